import { z } from 'zod';
import { SpsError } from './errors.js';

/** A zod schema of a response, by what parseResponse needs of it. */
export interface ResponseSchema<T> {
  safeParse(json: unknown): { success: true; data: T } | { success: false };
}

/** `json` as `schema` reads it; a response of another shape is a parse failure naming the path. */
export function parseResponse<T>(schema: ResponseSchema<T>, json: unknown, path: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SpsError('parse', `response to ${path} has an unexpected shape`);
  return parsed.data;
}

/**
 * What SPS nodes send, read leniently: a field that is missing or of the wrong type becomes
 * undefined (and so exports nothing) instead of failing the whole response.
 * Numbers must be JSON numbers: a numeric string is a wrong type, not a value to guess at.
 */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** No single map in a response may add more entries than this (a bound against a runaway node). */
export const MAX_MAP_ENTRIES = 1000;

/**
 * An open-ended JSON object (sessions by protocol, disks by id, ...) as a Map of its valid entries.
 * A Map and not z.record: a plain object would turn a key such as "__proto__", which JSON.parse
 * reads as an ordinary key, into a prototype and lose the entry.
 */
const lenientMap = <T extends z.ZodType>(value: T) =>
  z.unknown().transform((input): Map<string, NonNullable<z.output<T>>> | undefined => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
    const out = new Map<string, NonNullable<z.output<T>>>();
    for (const [key, raw] of Object.entries(input)) {
      const parsed = value.safeParse(raw);
      if (parsed.success && parsed.data !== undefined && parsed.data !== null) out.set(key, parsed.data as NonNullable<z.output<T>>);
      if (out.size >= MAX_MAP_ENTRIES) break;
    }
    return out;
  }).optional();

const num = lenient(z.number());
const str = lenient(z.string());
const numMap = lenientMap(z.number());
const strMap = lenientMap(z.string());
const list = lenient(z.array(z.unknown()));

const IndexerGroupSchema = z.object({
  capabilities: lenient(z.array(z.string())),
  ip: str,
  workers_count: num,
  idle_workers_count: num,
  indexer_jobs: num,
  screenshot_jobs: num,
  video_jobs: num,
});

export const HealthStatusSchema = z.object({
  cpu: num,
  disk: num,
  memory: num,
  swap: num,
  load1: num,
  load5: num,
  load15: num,
  sessions: numMap,
  sessions_total: num,
  total_sessions: num,
  pipeline_queues: numMap,
  raid: lenient(
    z.object({
      status: lenient(z.object({ status: str, detailed_status: str, operation_progress: num })),
      disks: lenientMap(z.object({ status: str })),
    }),
  ),
  firmware: lenient(z.object({ integrity: strMap, tainted_files: numMap })),
  indexer: lenient(
    z.object({
      indexer_status: lenient(z.array(lenient(IndexerGroupSchema))),
      processing_tasks: list,
      remaining_tasks: list,
      worker_warnings: list,
    }),
  ),
  system_details: lenient(
    z.object({
      cpu: numMap,
      memory: numMap,
      disk: lenient(z.object({ total: num, used: num, free: num })),
      swap: lenient(z.object({ total: num, used: num, free: num, sin: num, sout: num })),
    }),
  ),
});

/** `health_status` is null when the node has no data to give; it must be present. */
export const HealthStatusResponseSchema = z.object({ health_status: HealthStatusSchema.nullable() });

export const IndexerDashboardSchema = z.object({
  certificates: lenientMap(z.object({ expiration_date: str })),
  /** The reference says booleans; appliances send systemd states such as "active". */
  required_service_statuses: lenientMap(z.union([z.boolean(), z.string()])),
});

export const InfoSchema = z.object({
  body: z.object({
    hostname: str,
    firmware_version: str,
    version: str,
    roles: lenient(z.array(lenient(z.string()))),
  }),
});

/** /api/configuration/management/health_monitoring: the appliance's own alert thresholds, in percent; null when unset. */
export const HealthMonitoringSchema = z.object({
  body: z.object({
    maximum_disk_utilization_ratio: num,
    maximum_swap_utilization_ratio: num,
    maximum_load1: num,
    maximum_load5: num,
    maximum_load15: num,
  }),
});

/** /api/configuration/management/disk_fillup_prevention: beyond the limit (percent) SPS refuses new sessions. */
export const DiskFillupPreventionSchema = z.object({
  body: z.object({ enabled: lenient(z.boolean()), used_space_ratio_limit: num, archiving_enabled: lenient(z.boolean()) }),
});

/**
 * /api/cluster/status on a Central Management node: one item per cluster member. `health_status`
 * is null when the member is down; `sync_status` is missing on 6.x firmware.
 */
export const ClusterStatusSchema = z.object({
  items: z.array(
    lenient(
      z.object({
        key: str,
        fqdn: str,
        last_seen: lenient(z.union([z.number(), z.string()])),
        sync_status: str,
        configuration_sync: lenient(z.object({ issues: lenient(z.object({ warnings: list })) })),
        health_status: z.unknown(),
      }),
    ),
  ),
});

/** /api/cluster/nodes on a Central Management node: the members' keys. */
export const ClusterNodesSchema = z.object({ items: z.array(lenient(z.object({ key: str }))) });

/** /api/cluster/nodes/<key>: where the member is and what it does. */
export const ClusterNodeSchema = z.object({
  body: z.object({ address: z.string(), roles: lenient(z.array(lenient(z.string()))) }),
});

export type ClusterStatus = z.output<typeof ClusterStatusSchema>;
export type ClusterNodes = z.output<typeof ClusterNodesSchema>;
export type ClusterNode = z.output<typeof ClusterNodeSchema>;
export type HealthMonitoring = z.output<typeof HealthMonitoringSchema>;
export type DiskFillupPrevention = z.output<typeof DiskFillupPreventionSchema>;
export type HealthStatus = z.output<typeof HealthStatusSchema>;
export type HealthStatusResponse = z.output<typeof HealthStatusResponseSchema>;
export type IndexerDashboard = z.output<typeof IndexerDashboardSchema>;
export type Info = z.output<typeof InfoSchema>;
