import type { SpsClient } from '../sps/client.js';
import { fqdnsOf, readClusterMembers, type ClusterMember } from '../sps/cluster.js';
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
 * A list read beside the polls, on the target's own schedule (its discovery_interval), one read at a
 * time and never awaited by a poll (poller/member-discovery.ts). Optional like the endpoints above:
 * a failed read is counted under its name, and the list read before stays in use.
 */
export interface Discovery<T> {
  /** The `api_endpoint` label of its state and failures. */
  readonly name: string;
  /**
   * Reads the list over the node's client; `names` are what the endpoint with `memberNames` answered
   * in the poll that started this read, when it did.
   */
  read(client: SpsClient, names: ReadonlyMap<string, string> | undefined): Promise<T>;
}

/** The members a `discover: cluster` target lists (/api/cluster/nodes and each member's own entry). */
export const MEMBER_LIST: Discovery<ClusterMember[]> = {
  name: 'cluster_nodes',
  read: readClusterMembers,
};
