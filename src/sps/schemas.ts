import { SpsError } from './errors.js';
import * as read from './lenient.js';
import { INVALID, type Infer, type ResponseSchema } from './lenient.js';

export { type ResponseSchema } from './lenient.js';

/** `json` as `schema` reads it; a response of another shape is a parse failure naming the path. */
export function parseResponse<T>(schema: ResponseSchema<T>, json: unknown, path: string): T {
  const data = schema.read(json); // the reader itself: no result object per response
  if (data === INVALID) throw new SpsError('parse', `response to ${path} has an unexpected shape`);
  return data;
}

/*
 * What SPS nodes send, read leniently (`read.*`, src/sps/lenient.ts): a field that is missing or of the wrong type becomes
 * undefined (and so exports nothing) instead of failing the whole response.
 * Numbers must be JSON numbers: a numeric string is a wrong type, not a value to guess at.
 */
const optionalNumber = read.lenient(read.number);
const optionalString = read.lenient(read.string);
const numberMap = read.map(read.number);
const stringMap = read.map(read.string);
const optionalList = read.lenient(read.list);

const IndexerGroup = read.object({
  capabilities: read.lenient(read.array(read.string)),
  ip: optionalString,
  workers_count: optionalNumber,
  idle_workers_count: optionalNumber,
  indexer_jobs: optionalNumber,
  screenshot_jobs: optionalNumber,
  video_jobs: optionalNumber,
});

const HealthStatus = read.object({
  cpu: optionalNumber,
  disk: optionalNumber,
  memory: optionalNumber,
  swap: optionalNumber,
  load1: optionalNumber,
  load5: optionalNumber,
  load15: optionalNumber,
  sessions: numberMap,
  sessions_total: optionalNumber,
  total_sessions: optionalNumber,
  pipeline_queues: numberMap,
  raid: read.lenient(
    read.object({
      status: read.lenient(
        read.object({ status: optionalString, detailed_status: optionalString, operation_progress: optionalNumber }),
      ),
      disks: read.map(read.object({ status: optionalString })),
    }),
  ),
  firmware: read.lenient(read.object({ integrity: stringMap, tainted_files: numberMap })),
  indexer: read.lenient(
    read.object({
      indexer_status: read.lenient(read.array(read.lenient(IndexerGroup))),
      processing_tasks: optionalList,
      remaining_tasks: optionalList,
      worker_warnings: optionalList,
    }),
  ),
  system_details: read.lenient(
    read.object({
      cpu: numberMap,
      memory: numberMap,
      disk: read.lenient(read.object({ total: optionalNumber, used: optionalNumber, free: optionalNumber })),
      swap: read.lenient(
        read.object({
          total: optionalNumber,
          used: optionalNumber,
          free: optionalNumber,
          sin: optionalNumber,
          sout: optionalNumber,
        }),
      ),
    }),
  ),
});

/** `health_status` is null when the node has no data to give; it must be present. */
export const HealthStatusResponseSchema = read.responseSchema(
  read.object({ health_status: read.nullable(HealthStatus) }),
);

export const IndexerDashboardSchema = read.responseSchema(
  read.object({
    certificates: read.map(read.object({ expiration_date: optionalString })),
    /** The reference says booleans; appliances send systemd states such as "active". */
    required_service_statuses: read.map(read.union(read.boolean, read.string)),
  }),
);

export const InfoSchema = read.responseSchema(
  read.object({
    body: read.object({
      hostname: optionalString,
      firmware_version: optionalString,
      version: optionalString,
      roles: read.lenient(read.array(optionalString)),
    }),
  }),
);

/** /api/configuration/management/health_monitoring: the appliance's own alert thresholds, in percent; null when unset. */
export const HealthMonitoringSchema = read.responseSchema(
  read.object({
    body: read.object({
      maximum_disk_utilization_ratio: optionalNumber,
      maximum_swap_utilization_ratio: optionalNumber,
      maximum_load1: optionalNumber,
      maximum_load5: optionalNumber,
      maximum_load15: optionalNumber,
    }),
  }),
);

/** /api/configuration/management/disk_fillup_prevention: beyond the limit (percent) SPS refuses new sessions. */
export const DiskFillupPreventionSchema = read.responseSchema(
  read.object({
    body: read.object({
      enabled: read.lenient(read.boolean),
      used_space_ratio_limit: optionalNumber,
      archiving_enabled: read.lenient(read.boolean),
    }),
  }),
);

/**
 * /api/cluster/status on a Central Management node: one item per cluster member. `health_status`
 * is null when the member is down; `sync_status` is missing on 6.x firmware.
 */
export const ClusterStatusSchema = read.responseSchema(
  read.object({
    items: read.array(
      read.lenient(
        read.object({
          key: optionalString,
          fqdn: optionalString,
          last_seen: read.lenient(read.union(read.number, read.string)),
          sync_status: optionalString,
          configuration_sync: read.lenient(
            read.object({ issues: read.lenient(read.object({ warnings: optionalList })) }),
          ),
          health_status: read.unknown,
        }),
      ),
    ),
  }),
);

/** /api/cluster/nodes on a Central Management node: the members' keys. */
export const ClusterNodesSchema = read.responseSchema(
  read.object({ items: read.array(read.lenient(read.object({ key: optionalString }))) }),
);

/** /api/cluster/nodes/<key>: where the member is and what it does. */
export const ClusterNodeSchema = read.responseSchema(
  read.object({ body: read.object({ address: read.string, roles: read.lenient(read.array(optionalString)) }) }),
);

/**
 * /api/firmware/slots (SPS 7.1 and later): one item per firmware slot, keyed by slot number, its
 * body empty for an empty slot; meta names the running slot and the one that boots next (hrefs).
 */
export const FirmwareSlotsSchema = read.responseSchema(
  read.object({
    items: read.array(
      read.lenient(
        read.object({
          key: read.lenient(read.union(read.string, read.number)),
          body: read.lenient(
            read.object({
              after_reboot: read.lenient(read.boolean),
              current: read.lenient(read.boolean),
              version: optionalString,
            }),
          ),
        }),
      ),
    ),
    meta: read.lenient(
      read.object({
        current_slot: optionalString,
        slot_after_reboot: optionalString,
        number_of_empty_slots: optionalNumber,
      }),
    ),
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
