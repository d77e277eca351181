import { SpsError } from './errors.js';
import { array, boolean, INVALID, lenient, list, map, nullable, number, object, responseSchema, string, union, unknown, type Infer, type ResponseSchema } from './lenient.js';

export { type ResponseSchema } from './lenient.js';

/** `json` as `schema` reads it; a response of another shape is a parse failure naming the path. */
export function parseResponse<T>(schema: ResponseSchema<T>, json: unknown, path: string): T {
  const data = schema.read(json); // the reader itself: no result object per response, as safeParse makes
  if (data === INVALID) throw new SpsError('parse', `response to ${path} has an unexpected shape`);
  return data;
}

/*
 * What SPS nodes send, read leniently: a field that is missing or of the wrong type becomes
 * undefined (and so exports nothing) instead of failing the whole response.
 * Numbers must be JSON numbers: a numeric string is a wrong type, not a value to guess at.
 */
const num = lenient(number);
const str = lenient(string);
const numMap = map(number);
const strMap = map(string);
const anyList = lenient(list);

const IndexerGroup = object({
  capabilities: lenient(array(string)),
  ip: str,
  workers_count: num,
  idle_workers_count: num,
  indexer_jobs: num,
  screenshot_jobs: num,
  video_jobs: num,
});

const HealthStatus = object({
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
    object({
      status: lenient(object({ status: str, detailed_status: str, operation_progress: num })),
      disks: map(object({ status: str })),
    }),
  ),
  firmware: lenient(object({ integrity: strMap, tainted_files: numMap })),
  indexer: lenient(
    object({
      indexer_status: lenient(array(lenient(IndexerGroup))),
      processing_tasks: anyList,
      remaining_tasks: anyList,
      worker_warnings: anyList,
    }),
  ),
  system_details: lenient(
    object({
      cpu: numMap,
      memory: numMap,
      disk: lenient(object({ total: num, used: num, free: num })),
      swap: lenient(object({ total: num, used: num, free: num, sin: num, sout: num })),
    }),
  ),
});

/** `health_status` is null when the node has no data to give; it must be present. */
export const HealthStatusResponseSchema = responseSchema(object({ health_status: nullable(HealthStatus) }));

export const IndexerDashboardSchema = responseSchema(
  object({
    certificates: map(object({ expiration_date: str })),
    /** The reference says booleans; appliances send systemd states such as "active". */
    required_service_statuses: map(union(boolean, string)),
  }),
);

export const InfoSchema = responseSchema(
  object({
    body: object({
      hostname: str,
      firmware_version: str,
      version: str,
      roles: lenient(array(str)),
    }),
  }),
);

/** /api/configuration/management/health_monitoring: the appliance's own alert thresholds, in percent; null when unset. */
export const HealthMonitoringSchema = responseSchema(
  object({
    body: object({
      maximum_disk_utilization_ratio: num,
      maximum_swap_utilization_ratio: num,
      maximum_load1: num,
      maximum_load5: num,
      maximum_load15: num,
    }),
  }),
);

/** /api/configuration/management/disk_fillup_prevention: beyond the limit (percent) SPS refuses new sessions. */
export const DiskFillupPreventionSchema = responseSchema(
  object({
    body: object({ enabled: lenient(boolean), used_space_ratio_limit: num, archiving_enabled: lenient(boolean) }),
  }),
);

/**
 * /api/cluster/status on a Central Management node: one item per cluster member. `health_status`
 * is null when the member is down; `sync_status` is missing on 6.x firmware.
 */
export const ClusterStatusSchema = responseSchema(
  object({
    items: array(
      lenient(
        object({
          key: str,
          fqdn: str,
          last_seen: lenient(union(number, string)),
          sync_status: str,
          configuration_sync: lenient(object({ issues: lenient(object({ warnings: anyList })) })),
          health_status: unknown,
        }),
      ),
    ),
  }),
);

/** /api/cluster/nodes on a Central Management node: the members' keys. */
export const ClusterNodesSchema = responseSchema(object({ items: array(lenient(object({ key: str }))) }));

/** /api/cluster/nodes/<key>: where the member is and what it does. */
export const ClusterNodeSchema = responseSchema(object({ body: object({ address: string, roles: lenient(array(str)) }) }));

/**
 * /api/firmware/slots (SPS 7.1 and later): one item per firmware slot, keyed by slot number, its
 * body empty for an empty slot; meta names the running slot and the one that boots next (hrefs).
 */
export const FirmwareSlotsSchema = responseSchema(
  object({
    items: array(lenient(object({ key: lenient(union(string, number)), body: lenient(object({ after_reboot: lenient(boolean), current: lenient(boolean), version: str })) }))),
    meta: lenient(object({ current_slot: str, slot_after_reboot: str, number_of_empty_slots: num })),
  }),
);

type Data<S> = S extends ResponseSchema<infer T> ? T : never;
export type FirmwareSlots = Data<typeof FirmwareSlotsSchema>;
export type ClusterStatus = Data<typeof ClusterStatusSchema>;
export type ClusterNodes = Data<typeof ClusterNodesSchema>;
export type ClusterNode = Data<typeof ClusterNodeSchema>;
export type HealthMonitoring = Data<typeof HealthMonitoringSchema>;
export type DiskFillupPrevention = Data<typeof DiskFillupPreventionSchema>;
export type HealthStatus = Infer<typeof HealthStatus>;
export type HealthStatusResponse = Data<typeof HealthStatusResponseSchema>;
export type IndexerDashboard = Data<typeof IndexerDashboardSchema>;
export type Info = Data<typeof InfoSchema>;
