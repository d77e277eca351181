import type { HealthStatus } from '../sps/schemas.js';
import { F, memoryFamily, type Labels } from './families.js';
import { definedEntries, SampleList, withLabel, type Collected } from './samples.js';

/** The RAID states and codes the SPS REST reference documents. */
export const RAID_STATUS_CODES: Readonly<Record<string, number>> = { OK: 0, WARNING: 1, DEGRADED: 2, DEGRADED_SYNCING: 3, CRITICAL: 4 };
const RAID_STATES = Object.keys(RAID_STATUS_CODES);
export const RAID_DISK_STATES = ['OK', 'SPARE', 'REBUILDING', 'FAULTY'] as const;
const JOB_FIELDS = [['index', 'indexer_jobs'], ['screenshot', 'screenshot_jobs'], ['video', 'video_jobs']] as const;

type IndexerGroup = NonNullable<NonNullable<NonNullable<HealthStatus['indexer']>['indexer_status']>[number]>;

/** Maps one node's health_status object to samples. */
export function collectHealthStatus(health: HealthStatus): Collected {
  const out = new SampleList();
  out.add(F.load1, health.load1);
  out.add(F.load5, health.load5);
  out.add(F.load15, health.load15);
  out.ratio(F.cpuUsage, health.cpu);
  out.ratio(F.memoryUsage, health.memory);
  out.ratio(F.diskUsage, health.disk);
  out.ratio(F.swapUsage, health.swap);

  for (const [protocol, count] of definedEntries(health.sessions)) out.add(F.activeSessions, count, { protocol });
  out.add(F.activeSessionsReported, health.sessions_total ?? health.total_sessions);
  for (const [queue, percent] of definedEntries(health.pipeline_queues)) out.ratio(F.pipelineQueue, percent, { queue });

  collectSystemDetails(out, health.system_details);
  collectRaid(out, health.raid);

  for (const [partition, state] of definedEntries(health.firmware?.integrity)) out.add(F.firmwareIntegrityOk, state === 'OK' ? 1 : 0, { partition });
  for (const [partition, count] of definedEntries(health.firmware?.tainted_files)) out.add(F.firmwareTainted, count, { partition });

  collectIndexer(out, health.indexer);
  return out;
}

function collectSystemDetails(out: SampleList, details: HealthStatus['system_details']): void {
  for (const [mode, percent] of definedEntries(details?.cpu)) out.ratio(F.cpuMode, percent, { mode });
  for (const [field, bytes] of definedEntries(details?.memory)) {
    if (field === 'percent') continue;
    const family = memoryFamily(field);
    if (family) out.add(family, bytes);
    else out.notes.push(`system_details.memory field "${field.slice(0, 64)}" has no metric name`);
  }
  out.add(F.diskTotal, details?.disk?.total);
  out.add(F.diskUsed, details?.disk?.used);
  out.add(F.diskFree, details?.disk?.free);
  out.add(F.swapTotal, details?.swap?.total);
  out.add(F.swapUsed, details?.swap?.used);
  out.add(F.swapFree, details?.swap?.free);
  out.add(F.swapIn, details?.swap?.sin);
  out.add(F.swapOut, details?.swap?.sout);
}

function collectRaid(out: SampleList, raid: HealthStatus['raid']): void {
  const status = raid?.status?.status;
  if (status !== undefined) {
    const code = RAID_STATUS_CODES[status];
    if (code === undefined) out.notes.push(`unknown RAID status "${status.slice(0, 64)}"`);
    out.add(F.raidStatusCode, code ?? -1);
    out.states(F.raidStatus, RAID_STATES, status, {});
  }
  out.ratio(F.raidProgress, raid?.status?.operation_progress);
  for (const [disk, entry] of definedEntries(raid?.disks)) {
    if (entry.status !== undefined) out.states(F.raidDiskStatus, RAID_DISK_STATES, entry.status, { disk });
  }
}

const GROUP_FIELDS = ['workers_count', 'idle_workers_count', 'indexer_jobs', 'screenshot_jobs', 'video_jobs'] as const satisfies (keyof IndexerGroup)[];

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
    out.add(F.indexerWorkers, totals.workers_count, labels);
    out.add(F.indexerIdleWorkers, totals.idle_workers_count, labels);
    for (const [task, field] of JOB_FIELDS) out.add(F.indexerJobs, totals[field], withLabel(labels, 'task', task));
  }
  out.add(F.indexerProcessing, indexer?.processing_tasks?.length);
  out.add(F.indexerRemaining, indexer?.remaining_tasks?.length);
  out.add(F.indexerWarnings, indexer?.worker_warnings?.length);
}
