import type { ClusterStatus } from '../sps/schemas.js';
import { METRICS } from './families.js';
import { SampleList, type Collected } from './samples.js';

/** Unix seconds from a number of seconds or an ISO-8601 date; undefined for anything else. */
function seconds(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** The sync statuses a member reports in the cases known; each member also gets its own current status. */
export const CLUSTER_SYNC_STATES = ['synced', 'out of sync'] as const;

/**
 * What a Central Management node says about each member of its cluster, by `member`; the node's
 * own labels carry `cluster` (config gives a `discover: cluster` target cluster=<its name>).
 */
export function collectClusterStatus(status: ClusterStatus): Collected {
  const out = new SampleList();
  const seen = new Set<string>();
  for (const item of status.items) {
    if (item === undefined) continue;
    const member = item.fqdn ?? item.key;
    if (member === undefined || seen.has(member)) continue;
    seen.add(member);
    const labels = { member };
    if (item.health_status !== undefined) out.add(METRICS.clusterMemberUp, item.health_status === null ? 0 : 1, labels);
    const lastSeen = seconds(item.last_seen);
    if (item.last_seen !== undefined && lastSeen === undefined)
      out.warnings.push(`cluster member "${member.slice(0, 64)}" has an unreadable last_seen`);
    out.add(METRICS.clusterMemberLastSeen, lastSeen, labels);
    if (item.sync_status !== undefined)
      out.states(METRICS.clusterMemberSyncStatus, CLUSTER_SYNC_STATES, item.sync_status, labels);
    out.add(METRICS.clusterMemberConfigSyncWarnings, item.configuration_sync?.issues?.warnings?.length, labels);
  }
  return out;
}
