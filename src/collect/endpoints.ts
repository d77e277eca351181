import { fqdnsOf } from '../sps/cluster.js';
import { SpsError } from '../sps/errors.js';
import {
  ClusterStatusSchema,
  DiskFillupPreventionSchema,
  FirmwareSlotsSchema,
  HealthMonitoringSchema,
  HealthStatusResponseSchema,
  IndexerDashboardSchema,
  InfoSchema,
  type ResponseSchema,
} from '../sps/schemas.js';
import { collectDiskFillupPrevention, collectHealthMonitoring } from './appliance-thresholds.js';
import { collectClusterStatus } from './cluster-status.js';
import { collectFirmwareSlots } from './firmware-slots.js';
import { collectHealthStatus } from './health-status.js';
import { collectIndexerDashboard } from './indexer-dashboard.js';
import { collectInfo } from './info.js';
import type { Collected } from './samples.js';

/** Configuration and identity change rarely: read every 10 minutes at most. */
export const SLOW_REFRESH_MS = 10 * 60_000;

/** An SPS endpoint the exporter reads, and what its reading means. */
export interface Endpoint<T = unknown> {
  /** The `api_endpoint` label. */
  readonly name: string;
  readonly path: string;
  /** A response of another shape is a `parse` failure. */
  readonly schema: ResponseSchema<T>;
  /** Read at every poll when unset; otherwise again only once this long has passed. */
  readonly refreshMs?: number;
  /** With refreshMs: a failed read is tried again at the next poll, not only after refreshMs. */
  readonly retryAtNextPoll?: boolean;
  /** Read again after every new login (the node may have restarted or been upgraded). */
  readonly rereadAfterLogin?: boolean;
  /**
   * Its failure says nothing about the node (older firmware, a user without the privilege, a node
   * that is no Central Management node): counted and noted once, never the node's state.
   */
  readonly optional: boolean;
  /** Read only from a `discover: cluster` target. */
  readonly clusterOnly?: boolean;
  /**
   * How long its data is served: while its own read is fresh, or, for data read rarely, while the
   * node's health data is.
   */
  readonly servedWhile: 'fresh' | 'node fresh';
  /** Its success makes the node up (sps_up), its failure down; the first endpoint of a poll. */
  readonly upSignal?: boolean;
  /** The cluster members' names in its answer, which the member discovery takes instead of reading them again. */
  memberNames?(data: T): ReadonlyMap<string, string>;
  collect(data: T, nowMs: number): Collected;
}

const endpoint = <T>(spec: Endpoint<T>): Endpoint => spec;

/** Every endpoint, in the order a poll reads them. */
export const ENDPOINTS: readonly Endpoint[] = [
  endpoint({
    name: 'health_status',
    path: '/api/health_status',
    schema: HealthStatusResponseSchema,
    optional: false,
    servedWhile: 'fresh',
    upSignal: true,
    collect: ({ health_status }) => {
      if (health_status === null) throw new SpsError('no_data', 'the node reports health_status: null');
      return collectHealthStatus(health_status);
    },
  }),
  endpoint({
    name: 'indexer_dashboard',
    path: '/api/indexer/dashboard',
    schema: IndexerDashboardSchema,
    optional: false,
    servedWhile: 'fresh',
    collect: collectIndexerDashboard,
  }),
  endpoint({
    name: 'info',
    path: '/api/info',
    schema: InfoSchema,
    refreshMs: SLOW_REFRESH_MS,
    retryAtNextPoll: true,
    rereadAfterLogin: true,
    optional: false,
    servedWhile: 'node fresh',
    collect: collectInfo,
  }),
  endpoint({
    name: 'health_monitoring',
    path: '/api/configuration/management/health_monitoring',
    schema: HealthMonitoringSchema,
    refreshMs: SLOW_REFRESH_MS,
    optional: true,
    servedWhile: 'node fresh',
    collect: collectHealthMonitoring,
  }),
  endpoint({
    name: 'cluster_status',
    path: '/api/cluster/status',
    schema: ClusterStatusSchema,
    optional: true,
    clusterOnly: true,
    servedWhile: 'fresh',
    collect: collectClusterStatus,
    memberNames: fqdnsOf,
  }),
  endpoint({
    name: 'disk_fillup_prevention',
    path: '/api/configuration/management/disk_fillup_prevention',
    schema: DiskFillupPreventionSchema,
    refreshMs: SLOW_REFRESH_MS,
    optional: true,
    servedWhile: 'node fresh',
    collect: collectDiskFillupPrevention,
  }),
  // SPS 7.1 and later; older firmware answers 404 and the node simply has no firmware slot series.
  endpoint({
    name: 'firmware_slots',
    path: '/api/firmware/slots',
    schema: FirmwareSlotsSchema,
    refreshMs: SLOW_REFRESH_MS,
    rereadAfterLogin: true,
    optional: true,
    servedWhile: 'node fresh',
    collect: collectFirmwareSlots,
  }),
];

/**
 * The member list a `discover: cluster` target reads on its own schedule, beside its polls
 * (poller/member-discovery.ts, sps/cluster.ts); optional like the above.
 */
export const CLUSTER_NODES = 'cluster_nodes';
