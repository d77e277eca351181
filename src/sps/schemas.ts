import { z } from 'zod';

/**
 * What SPS nodes send, read leniently: a field that is missing or of the wrong type becomes
 * undefined (and so exports nothing) instead of failing the whole response.
 * Numbers must be JSON numbers: a numeric string is a wrong type, not a value to guess at.
 */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const num = lenient(z.number());
const str = lenient(z.string());
const numMap = lenient(z.record(z.string(), num));
const strMap = lenient(z.record(z.string(), str));
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
      disks: lenient(z.record(z.string(), lenient(z.object({ status: str })))),
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
  system_details: lenient(z.object({ cpu: numMap, disk: numMap, memory: numMap, swap: numMap })),
});

/** `health_status` is null when the node has no data to give; it must be present. */
export const HealthStatusResponseSchema = z.object({ health_status: HealthStatusSchema.nullable() });

export const IndexerDashboardSchema = z.object({
  certificates: lenient(z.record(z.string(), lenient(z.object({ expiration_date: str })))),
  /** The reference says booleans; appliances send systemd states such as "active". */
  required_service_statuses: lenient(z.record(z.string(), lenient(z.union([z.boolean(), z.string()])))),
});

export const InfoSchema = z.object({
  body: z.object({
    hostname: str,
    firmware_version: str,
    version: str,
    roles: lenient(z.array(lenient(z.string()))),
  }),
});

export type HealthStatus = z.output<typeof HealthStatusSchema>;
export type HealthStatusResponse = z.output<typeof HealthStatusResponseSchema>;
export type IndexerDashboard = z.output<typeof IndexerDashboardSchema>;
export type Info = z.output<typeof InfoSchema>;
