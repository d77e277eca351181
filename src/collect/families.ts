export type MetricType = 'gauge' | 'counter';

/**
 * The values a family can take: `count` for counts and sizes (never below zero), `ratio` for 0..1
 * with room for rounding and a queue over its nominal size (up to RATIO_MAX). A value outside is a
 * broken answer, dropped and counted (collect/limits.ts), never exported as the node sent it.
 */
export type Domain = 'count' | 'ratio';
export const RATIO_MAX = 1.5;

export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly domain?: Domain;
  /** Families that share one series budget per node (see collect/limits.ts); the family's own name when unset. */
  readonly group?: string;
}

export type Labels = Readonly<Record<string, string>>;

/** One value of one series; the node's own labels are added when it is rendered. */
export interface Sample {
  readonly family: Family;
  readonly labels?: Labels;
  readonly value: number;
}

/** Sizes and ratios by their base unit; other counts say so where they are declared. */
const domainOf = (name: string): Domain | undefined =>
  /_ratio$/.test(name) ? 'ratio' : /_bytes(_total)?$/.test(name) ? 'count' : undefined;
const gauge = (name: string, help: string, domain = domainOf(name)): Family => ({ name, help, type: 'gauge', domain });
const counter = (name: string, help: string): Family => ({ name, help, type: 'counter', domain: 'count' });

/** Every fixed metric family. The names are a contract with dashboards and alert rules. */
export const METRICS = {
  up: gauge('sps_up', '1 if the last poll of /api/health_status succeeded and its data is fresh, else 0.'),
  endpointUp: gauge('sps_endpoint_up', '1 if the last request to this SPS API endpoint succeeded, else 0.'),
  lastPoll: gauge('sps_last_poll_timestamp_seconds', 'When the node was last polled (Unix time).'),
  lastSuccess: gauge(
    'sps_last_success_timestamp_seconds',
    'When /api/health_status last answered with data (Unix time).',
  ),
  pollDuration: gauge('sps_poll_duration_seconds', 'How long the last poll of the node took.'),
  polls: counter('sps_exporter_polls_total', 'Polls of the node started by the exporter.'),
  pollErrors: counter(
    'sps_exporter_poll_errors_total',
    'Failed requests to the node by API endpoint (api_endpoint) and reason.',
  ),
  logins: counter('sps_exporter_logins_total', "Logins to the node's REST API (each one is an SPS audit event)."),
  loginFailures: counter(
    'sps_exporter_login_failures_total',
    'Login attempts that reached the node and yielded no session (rejected, another status, no session cookie, a broken or late answer), and sessions it ended before they proved themselves, by reason.',
  ),
  connections: counter(
    'sps_exporter_connections_total',
    'Connections opened to the node (TCP and TLS handshake); kept alive, one unless the node or the network closes them.',
  ),
  samplesDropped: counter(
    'sps_exporter_samples_dropped_total',
    'Samples of the node not exported because they exceeded a limit (series per family, label value length), by family and reason.',
  ),

  load1: gauge('sps_load1', 'System load average over 1 minute.', 'count'),
  load5: gauge('sps_load5', 'System load average over 5 minutes.', 'count'),
  load15: gauge('sps_load15', 'System load average over 15 minutes.', 'count'),
  cpuUsage: gauge('sps_cpu_usage_ratio', 'Overall CPU usage (0-1).'),
  memoryUsage: gauge('sps_memory_usage_ratio', 'Memory usage (0-1).'),
  diskUsage: gauge('sps_disk_usage_ratio', 'Disk usage (0-1).'),
  swapUsage: gauge('sps_swap_usage_ratio', 'Swap usage (0-1).'),
  cpuMode: gauge('sps_cpu_mode_ratio', 'Share of CPU time per mode (0-1), from system_details.cpu.'),
  diskTotal: gauge('sps_disk_total_bytes', 'Disk size.'),
  diskUsed: gauge('sps_disk_used_bytes', 'Disk space used.'),
  diskFree: gauge('sps_disk_free_bytes', 'Disk space free.'),
  swapTotal: gauge('sps_swap_total_bytes', 'Swap size.'),
  swapUsed: gauge('sps_swap_used_bytes', 'Swap used.'),
  swapFree: gauge('sps_swap_free_bytes', 'Swap free.'),
  swapIn: counter('sps_swap_in_bytes_total', 'Bytes swapped in from disk since boot.'),
  swapOut: counter('sps_swap_out_bytes_total', 'Bytes swapped out to disk since boot.'),
  activeSessions: gauge('sps_active_sessions', 'Ongoing sessions per protocol.', 'count'),
  activeSessionsReported: gauge(
    'sps_active_sessions_reported',
    'Ongoing sessions in total, as the node reports it.',
    'count',
  ),
  pipelineQueue: gauge('sps_pipeline_queue_fullness_ratio', 'Fullness of a processing pipeline queue (0-1).'),
  raidStatusCode: gauge(
    'sps_raid_status_code',
    'RAID status: 0 OK, 1 WARNING, 2 DEGRADED, 3 DEGRADED_SYNCING, 4 CRITICAL, -1 unknown.',
  ),
  raidStatus: gauge('sps_raid_status', '1 for the current RAID status, 0 for the others.'),
  raidProgress: gauge(
    'sps_raid_operation_progress_ratio',
    'Progress of the running RAID operation such as a rebuild (0-1).',
  ),
  raidDiskStatus: gauge('sps_raid_disk_status', '1 for the current status of a RAID disk, 0 for the others.'),
  firmwareIntegrityOk: gauge(
    'sps_firmware_integrity_ok',
    '1 if the firmware partition passed its integrity check, else 0.',
  ),
  firmwareRebootPending: gauge(
    'sps_firmware_reboot_pending',
    '1 while a firmware other than the running one is staged to boot at the next restart, else 0.',
  ),
  firmwareInfo: gauge(
    'sps_firmware_info',
    'The firmware version running and the one that boots at the next restart; always 1.',
  ),
  firmwareEmptySlots: gauge('sps_firmware_empty_slots', 'Firmware slots holding no firmware.', 'count'),
  firmwareTainted: gauge(
    'sps_firmware_tainted_files',
    'Files of the firmware partition that differ from the release.',
    'count',
  ),
  indexerWorkers: gauge('sps_indexer_workers', 'Indexer workers in the worker group.', 'count'),
  indexerIdleWorkers: gauge('sps_indexer_idle_workers', 'Indexer workers of the group without a task.', 'count'),
  indexerJobs: gauge('sps_indexer_jobs', 'Tasks delegated to the worker group, by task type.', 'count'),
  indexerProcessing: gauge('sps_indexer_processing_tasks', 'Indexer tasks in progress.', 'count'),
  indexerRemaining: gauge('sps_indexer_remaining_tasks', 'Indexer tasks queued for processing.', 'count'),
  indexerWarnings: gauge('sps_indexer_worker_warnings', 'Error and warning messages about indexer workers.', 'count'),

  certificateExpiry: gauge(
    'sps_certificate_expiry_timestamp_seconds',
    'When the indexer certificate expires (Unix time).',
  ),
  certificateExpiryDays: gauge(
    'sps_certificate_expiry_days',
    'Days until the indexer certificate expires; negative once expired.',
  ),
  indexerServiceActive: gauge('sps_indexer_service_active', '1 if the service the indexer requires is active, else 0.'),

  thresholdDisk: gauge('sps_threshold_disk_usage_ratio', 'Disk usage above which the appliance itself alerts (0-1).'),
  thresholdSwap: gauge('sps_threshold_swap_usage_ratio', 'Swap usage above which the appliance itself alerts (0-1).'),
  thresholdLoad: gauge(
    'sps_threshold_load',
    'Load average above which the appliance itself alerts, per period in minutes.',
    'count',
  ),
  fillupEnabled: gauge(
    'sps_disk_fillup_prevention_enabled',
    '1 if the appliance refuses new sessions when its disk is nearly full.',
  ),
  fillupLimit: gauge(
    'sps_disk_fillup_prevention_limit_ratio',
    'Disk usage at which the appliance refuses new sessions (0-1).',
  ),

  clusterMemberUp: gauge(
    'sps_cluster_member_up',
    '1 if the Central Management node has health data for the cluster member, 0 if it reports it down.',
  ),
  clusterMemberLastSeen: gauge(
    'sps_cluster_member_last_seen_timestamp_seconds',
    'When the Central Management node last heard from the member (Unix time).',
  ),
  clusterMemberSyncStatus: gauge(
    'sps_cluster_member_sync_status',
    "1 for the member's current sync status, 0 for the other known statuses.",
  ),
  clusterMemberConfigSyncWarnings: gauge(
    'sps_cluster_member_config_sync_warnings',
    'Configuration synchronization warnings of the member.',
    'count',
  ),

  serverCertificateExpiry: gauge(
    'sps_server_certificate_expiry_timestamp_seconds',
    "When the certificate the node's web interface and REST API present expires (Unix time).",
  ),
  serverCertificateChainExpiry: gauge(
    'sps_server_certificate_chain_expiry_timestamp_seconds',
    'When the first certificate of the chain the node presents expires (Unix time).',
  ),
  serverCertificateInfo: gauge(
    'sps_server_certificate_info',
    'The certificate the node presents: subject, issuer, serial number, SHA-256 fingerprint; always 1.',
  ),

  info: gauge('sps_info', 'Host and firmware of the node; always 1.'),
  nodeRole: gauge('sps_node_role', 'A role the node has, such as central-management; always 1.'),
} as const satisfies Record<string, Family>;

const memoryGauge = (field: string, group?: string): Family => ({
  ...gauge(`sps_memory_${field}_bytes`, `Memory ${field} (system_details.memory.${field}).`),
  group,
});

/** The fields of system_details.memory the SPS REST reference shows (psutil's virtual_memory). */
export const DOCUMENTED_MEMORY_FIELDS = [
  'active',
  'available',
  'buffers',
  'cached',
  'free',
  'inactive',
  'shared',
  'slab',
  'total',
  'used',
] as const;
const DOCUMENTED_MEMORY: ReadonlyMap<string, Family> = new Map(
  DOCUMENTED_MEMORY_FIELDS.map((field) => [field, memoryGauge(field)]),
);

/** The budget group of the memory fields the reference does not show: together, one family's worth of series per node. */
export const OTHER_MEMORY_GROUP = 'sps_memory_<other>_bytes';
const MEMORY_FIELD = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * `sps_memory_<field>_bytes` for a field of system_details.memory. The documented fields always
 * have their family. The kernel may add others, so the set is open: a field name that makes a
 * tidy metric name gets a family too, in a group that shares one series budget per node (see
 * collect/limits.ts); any other name gets none (undefined).
 */
export function memoryFamily(field: string): Family | undefined {
  return (
    DOCUMENTED_MEMORY.get(field) ?? (MEMORY_FIELD.test(field) ? memoryGauge(field, OTHER_MEMORY_GROUP) : undefined)
  );
}
