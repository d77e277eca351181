import type { HealthStatus } from '../sps/schemas.js';
import { METRICS, memoryFamily, type Labels } from './families.js';
import { definedEntries, SampleList, withLabel, type Collected } from './samples.js';

/** The RAID states and codes the SPS REST reference documents. */
export const RAID_STATUS_CODES: Readonly<Record<string, number>> = {
  OK: 0,
  WARNING: 1,
  DEGRADED: 2,
  DEGRADED_SYNCING: 3,
  CRITICAL: 4,
};
const RAID_STATES = Object.keys(RAID_STATUS_CODES);
export const RAID_DISK_STATES = ['OK', 'SPARE', 'REBUILDING', 'FAULTY'] as const;
const JOB_FIELDS = [
  ['index', 'indexer_jobs'],
  ['screenshot', 'screenshot_jobs'],
  ['video', 'video_jobs'],
] as const;

type IndexerGroup = NonNullable<NonNullable<NonNullable<HealthStatus['indexer']>['indexer_status']>[number]>;

/** Maps one node's health_status object to samples. */
export function collectHealthStatus(health: HealthStatus): Collected {
  const out = new SampleList();
  out.add(METRICS.load1, health.load1);
  out.add(METRICS.load5, health.load5);
  out.add(METRICS.load15, health.load15);
  out.ratio(METRICS.cpuUsage, health.cpu);
  out.ratio(METRICS.memoryUsage, health.memory);
  out.ratio(METRICS.diskUsage, health.disk);
  out.ratio(METRICS.swapUsage, health.swap);

  for (const [protocol, count] of definedEntries(health.sessions)) out.add(METRICS.activeSessions, count, { protocol });
  out.add(METRICS.activeSessionsReported, health.sessions_total ?? health.total_sessions);
  for (const [queue, percent] of definedEntries(health.pipeline_queues))
    out.ratio(METRICS.pipelineQueue, percent, { queue });

  collectSystemDetails(out, health.system_details);
  collectRaid(out, health.raid);

  for (const [partition, state] of definedEntries(health.firmware?.integrity))
    out.add(METRICS.firmwareIntegrityOk, state === 'OK' ? 1 : 0, { partition });
  for (const [partition, count] of definedEntries(health.firmware?.tainted_files))
    out.add(METRICS.firmwareTainted, count, { partition });

  collectIndexer(out, health.indexer);
  return out;
}

function collectSystemDetails(out: SampleList, details: HealthStatus['system_details']): void {
  for (const [mode, percent] of definedEntries(details?.cpu)) out.ratio(METRICS.cpuMode, percent, { mode });
  for (const [field, bytes] of definedEntries(details?.memory)) {
    if (field === 'percent') continue;
    const family = memoryFamily(field);
    if (family) out.add(family, bytes);
    else out.warnings.push(`system_details.memory field "${field.slice(0, 64)}" has no metric name`);
  }
  out.add(METRICS.diskTotal, details?.disk?.total);
  out.add(METRICS.diskUsed, details?.disk?.used);
  out.add(METRICS.diskFree, details?.disk?.free);
  out.add(METRICS.swapTotal, details?.swap?.total);
  out.add(METRICS.swapUsed, details?.swap?.used);
  out.add(METRICS.swapFree, details?.swap?.free);
  out.add(METRICS.swapIn, details?.swap?.sin);
  out.add(METRICS.swapOut, details?.swap?.sout);
}

function collectRaid(out: SampleList, raid: HealthStatus['raid']): void {
  const status = raid?.status?.status;
  if (status !== undefined) {
    const code = RAID_STATUS_CODES[status];
    if (code === undefined) out.warnings.push(`unknown RAID status "${status.slice(0, 64)}"`);
    out.add(METRICS.raidStatusCode, code ?? -1);
    out.states(METRICS.raidStatus, RAID_STATES, status, {});
  }
  out.ratio(METRICS.raidProgress, raid?.status?.operation_progress);
  for (const [disk, entry] of definedEntries(raid?.disks)) {
    if (entry.status !== undefined) out.states(METRICS.raidDiskStatus, RAID_DISK_STATES, entry.status, { disk });
  }
}

const GROUP_FIELDS = [
  'workers_count',
  'idle_workers_count',
  'indexer_jobs',
  'screenshot_jobs',
  'video_jobs',
] as const satisfies (keyof IndexerGroup)[];

function collectIndexer(out: SampleList, indexer: HealthStatus['indexer']): void {
  // Two groups with the same capabilities and address would be one series; their counts add up.
  const groups = new Map<string, { labels: Labels; totals: Partial<Record<(typeof GROUP_FIELDS)[number], number>> }>();
  for (const group of indexer?.indexer_status ?? []) {
    if (!group) continue;
    const list = group.capabilities ?? [];
    const capabilities = list.length < 2 ? (list[0] ?? '') : [...list].sort().join(',');
    const ip = group.ip ?? '';
    const key = `${capabilities}\0${ip}`;
    let entry = groups.get(key);
    if (!entry) {
      groups.set(key, (entry = { labels: { capabilities, ip }, totals: {} }));
    }
    for (const field of GROUP_FIELDS) {
      const value = group[field];
      if (value !== undefined) entry.totals[field] = (entry.totals[field] ?? 0) + value;
    }
  }
  for (const { labels, totals } of groups.values()) {
    out.add(METRICS.indexerWorkers, totals.workers_count, labels);
    out.add(METRICS.indexerIdleWorkers, totals.idle_workers_count, labels);
    for (const [task, field] of JOB_FIELDS)
      out.add(METRICS.indexerJobs, totals[field], withLabel(labels, 'task', task));
  }
  out.add(METRICS.indexerProcessing, indexer?.processing_tasks?.length);
  out.add(METRICS.indexerRemaining, indexer?.remaining_tasks?.length);
  out.add(METRICS.indexerWarnings, indexer?.worker_warnings?.length);
}
