import type { ProxyRule, ProxySettings } from './proxy.js';
import type { Secret } from './secret.js';
import type { Shard } from './shard.js';

/*
 * The exporter's configuration as every layer above config/ sees it: resolved (defaults applied,
 * secrets read, paths read). The exporter never changes it once loaded: a reload makes a new one.
 */

/** When a session SPS ends counts as a failed login (see SpsClient). */
export interface SessionRules {
  minRequests: number;
  minAgeMs: number;
}

/** What one node may add to the exposition (see collect/limits.ts). */
export interface SeriesLimits {
  /** Series per metric family and node; the rest are dropped and counted. */
  seriesPerFamily: number;
  /** Characters in a label value; a series with a longer one is dropped and counted. */
  labelValueLength: number;
}

export interface TlsSettings {
  ca?: string;
  insecureSkipVerify: boolean;
  serverName?: string;
}

/** One SPS node with every setting resolved: defaults applied, secrets read. */
export interface TargetConfig {
  name: string;
  origin: string;
  intervalMs: number;
  timeoutMs: number;
  username: string;
  password: Secret;
  tls: TlsSettings;
  labels: Record<string, string>;
  maxResponseBytes: number;
  session: SessionRules;
  limits: SeriesLimits;
  /** The HTTP proxy the node is reached through, if any (no_proxy already applied). */
  proxy: ProxySettings | undefined;
  /** The proxy settings as configured, for the members a `discover: cluster` target finds: each is matched against no_proxy itself. */
  proxyRule: ProxyRule | undefined;
  /** Endpoints this node's polls never request (config `endpoints`), sorted. */
  disabledEndpoints: readonly string[];
  /** Set on a Central Management node whose view of the cluster is read and whose members are polled. */
  discover: 'cluster' | undefined;
  discoveryIntervalMs: number;
  /** For a member found through a Central Management node: that node's target name. */
  discoveredBy?: string;
  /** Changes whenever anything above changes (the password included, without revealing it). */
  fingerprint: string;
}

export interface ExporterConfig {
  concurrency: number;
  /** This replica's share of the targets, if the targets are split over several replicas. */
  shard: Shard | undefined;
  /** The targets this replica polls (all configured targets when not sharded). */
  targets: TargetConfig[];
  /** What is allowed but probably a mistake, worth a log line at start and reload. */
  warnings: string[];
}
