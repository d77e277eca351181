import type { TargetConfig } from '../config/load.js';
import { F, type Sample } from '../collect/families.js';
import { collectHealthStatus } from '../collect/health-status.js';
import { collectIndexerDashboard } from '../collect/indexer-dashboard.js';
import { collectInfo } from '../collect/info.js';
import type { Collected } from '../collect/samples.js';
import { applyLimits, type Dropped } from '../collect/limits.js';
import { formatLabels, PartRenderer, serveParts, type EncodedPart, type ServedParts } from '../exposition/text.js';
import type { Logger } from '../log.js';
import { SpsClient } from '../sps/client.js';
import { SpsError, type FailureReason } from '../sps/errors.js';
import { ClusterStatusSchema, DiskFillupPreventionSchema, HealthMonitoringSchema, HealthStatusResponseSchema, IndexerDashboardSchema, InfoSchema, parseResponse, type ResponseSchema } from '../sps/schemas.js';
import { collectDiskFillupPrevention, collectHealthMonitoring } from '../collect/appliance-thresholds.js';
import { collectClusterStatus } from '../collect/cluster-status.js';
import { readClusterMembers, type ClusterMember } from '../sps/cluster.js';

type DataEndpoint = 'health_status' | 'indexer_dashboard' | 'info' | 'health_monitoring' | 'disk_fillup_prevention' | 'cluster_status';
/** `cluster_nodes`: the member list a `discover: cluster` target reads every discovery interval. */
export type Endpoint = DataEndpoint | 'cluster_nodes';

/** Configuration endpoints: read every CONFIG_REFRESH_MS at most; older firmware or a user without the privilege answers 403/404. */
const CONFIG_ENDPOINTS: ReadonlySet<Endpoint> = new Set(['health_monitoring', 'disk_fillup_prevention']);
export const CONFIG_REFRESH_MS = 10 * 60_000;
/** Endpoints whose failure is counted and logged once, but says nothing about whether the node is up. */
const OPTIONAL_ENDPOINTS: ReadonlySet<Endpoint> = new Set([...CONFIG_ENDPOINTS, 'cluster_status', 'cluster_nodes']);

export const INFO_REFRESH_MS = 10 * 60_000;
/** Data is served for this many intervals after it was read, then only sps_up 0 and poll metrics remain. */
export const STALE_AFTER_INTERVALS = 3;
/** Failures that would hit every other endpoint of the node too, so the rest of the poll is skipped. */
const NODE_WIDE: ReadonlySet<FailureReason> = new Set(['auth', 'timeout', 'connect', 'tls']);
const MAX_NOTES = 200;
/** Polls over which a node logging in more often than once a poll is warned of. */
export const LOGIN_RATE_WINDOW = 5;

interface EndpointSpec {
  path: string;
  collect(json: unknown, nowMs: number, target: TargetConfig): Collected;
}

/** An endpoint whose response must match `schema` (else a parse failure) before it is collected. */
function endpoint<T>(path: string, schema: ResponseSchema<T>, collect: (data: T, nowMs: number, target: TargetConfig) => Collected): EndpointSpec {
  return { path, collect: (json, nowMs, target) => collect(parseResponse(schema, json, path), nowMs, target) };
}

const ENDPOINTS: Record<DataEndpoint, EndpointSpec> = {
  health_status: endpoint('/api/health_status', HealthStatusResponseSchema, ({ health_status }) => {
    if (health_status === null) throw new SpsError('no_data', 'the node reports health_status: null');
    return collectHealthStatus(health_status);
  }),
  indexer_dashboard: endpoint('/api/indexer/dashboard', IndexerDashboardSchema, collectIndexerDashboard),
  info: endpoint('/api/info', InfoSchema, collectInfo),
  health_monitoring: endpoint('/api/configuration/management/health_monitoring', HealthMonitoringSchema, collectHealthMonitoring),
  cluster_status: endpoint('/api/cluster/status', ClusterStatusSchema, collectClusterStatus),
  disk_fillup_prevention: endpoint('/api/configuration/management/disk_fillup_prevention', DiskFillupPreventionSchema, collectDiskFillupPrevention),
};
const ENDPOINT_ORDER = Object.keys(ENDPOINTS) as DataEndpoint[];

interface Part {
  /** Renders the endpoint's polls, patching the last part when a poll brings the same series. */
  renderer: PartRenderer;
  encoded: EncodedPart;
  at: number;
}

export interface LastError {
  endpoint: Endpoint;
  reason: FailureReason;
  message: string;
  at: number;
}

/** One configured SPS node: its client, what its polls last returned, and its rendered series. */
export class NodePoller {
  readonly client: SpsClient;
  readonly nodeLabels: string;
  readonly staleAfterMs: number;
  polls = 0;
  lastPollAt: number | undefined;
  lastSuccessAt: number | undefined;
  lastDurationSeconds: number | undefined;
  lastError: LastError | undefined;
  healthOk = false;
  busy = false;
  #closed = false;
  readonly #errors = new Map<string, number>();
  /** Samples dropped by the node's limits, by family and reason. */
  readonly #dropped = new Map<string, number>();
  /** The client's login count at the end of each of the last LOGIN_RATE_WINDOW + 1 polls. */
  readonly #loginHistory: number[] = [];
  #loginRateWarned = false;
  readonly #endpointUp = new Map<Endpoint, boolean>();
  readonly #parts = new Map<Endpoint, Part>();
  readonly #notes = new Set<string>();
  #infoAt = -Infinity;
  #infoLogins = 0;
  readonly #configTriedAt = new Map<Endpoint, number>();
  readonly #status: PartRenderer;
  #serving: ServedParts = serveParts([]);
  #servingUntil = -Infinity;
  #discoveryTriedAt = -Infinity;

  constructor(
    readonly target: TargetConfig,
    readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** Called with a `discover: cluster` target's member list each time it is read. */
    private readonly onMembers: (members: ClusterMember[]) => void = () => {},
    /** The client of the poller this one replaces, when it serves this target (see clientServes). */
    client?: SpsClient,
  ) {
    this.client = client ?? new SpsClient({ target, now });
    this.nodeLabels = formatLabels({ node: target.name, ...target.labels });
    this.#status = new PartRenderer(this.nodeLabels);
    this.staleAfterMs = STALE_AFTER_INTERVALS * target.intervalMs;
  }

  get name(): string {
    return this.target.name;
  }

  /** Reads every endpoint that is due and stores what it maps to. Never throws. */
  async poll(): Promise<void> {
    const started = this.now();
    this.polls++;
    this.lastPollAt = started;
    let nodeWide: SpsError | undefined;
    const wasHealthy = this.healthOk;
    for (const endpoint of ENDPOINT_ORDER) {
      const config = CONFIG_ENDPOINTS.has(endpoint);
      const optional = OPTIONAL_ENDPOINTS.has(endpoint);
      if (endpoint === 'info' && !this.#infoDue(started)) continue;
      if (endpoint === 'cluster_status' && this.target.discover !== 'cluster') continue;
      if (config && started - (this.#configTriedAt.get(endpoint) ?? -Infinity) < CONFIG_REFRESH_MS) continue;
      if (nodeWide) {
        if (!optional) this.#failed(endpoint, nodeWide, true);
        continue;
      }
      if (config) this.#configTriedAt.set(endpoint, started);
      try {
        await this.#read(endpoint);
      } catch (error) {
        const failure = error instanceof SpsError ? error : new SpsError('parse', `could not map the ${endpoint} response`);
        if (!(error instanceof SpsError)) this.log.error({ endpoint, err: String(error) }, 'collector failed');
        this.#failed(endpoint, failure);
        if (NODE_WIDE.has(failure.reason) && !optional) nodeWide = failure;
      }
    }
    if (!nodeWide && this.#discoveryDue(started)) {
      this.#discoveryTriedAt = started;
      await this.#discover();
    }
    this.lastDurationSeconds = (this.now() - started) / 1000;
    this.#watchLoginRate();
    this.log.debug({ seconds: this.lastDurationSeconds, up: this.healthOk, logins: this.client.logins }, 'poll done');
    if (this.healthOk && !wasHealthy) this.log.info({ logins: this.client.logins }, 'node is up');
    this.#serve(this.now()); // here, not in a scrape: a scrape rebuilds only a node it finds mid-poll
  }

  /** This node's series as of `now`: status always, data only while fresh. */
  served(now: number = this.now()): ServedParts {
    if (now >= this.#servingUntil) this.#serve(now);
    return this.#serving;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.client.close();
  }

  /** Closes this poller instead of close(), but not its client, which the poller replacing it takes over: its session, connection and counters. */
  closeKeepingClient(): SpsClient {
    this.#closed = true;
    return this.client;
  }

  /** Due at the last poll before a discovery interval has passed, so reads are never further apart than that. */
  #discoveryDue(now: number): boolean {
    return this.target.discover === 'cluster' && now - this.#discoveryTriedAt + this.target.intervalMs > this.target.discoveryIntervalMs;
  }

  /** Warns once when the node needed more logins than polls over the last LOGIN_RATE_WINDOW polls: each is an SPS audit event. */
  #watchLoginRate(): void {
    const history = this.#loginHistory;
    history.push(this.client.logins);
    if (history.length > LOGIN_RATE_WINDOW + 1) history.shift();
    const logins = history[history.length - 1]! - history[0]!;
    const looping = history.length > LOGIN_RATE_WINDOW && logins > LOGIN_RATE_WINDOW;
    if (looping && !this.#loginRateWarned) {
      this.log.warn(
        { logins, polls: LOGIN_RATE_WINDOW },
        'the node needed more than one login per poll: it drops the exporter\'s sessions (a load balancer without sticky sessions, or a session timeout shorter than the interval?); each login is an SPS audit event',
      );
    }
    this.#loginRateWarned = looping;
  }

  #infoDue(now: number): boolean {
    return this.client.logins !== this.#infoLogins || now - this.#infoAt >= INFO_REFRESH_MS;
  }

  async #discover(): Promise<void> {
    let members: ClusterMember[];
    try {
      members = await readClusterMembers(this.client);
    } catch (error) {
      // The previous member list stays in use: a failed read must not stop the polling of members.
      return this.#failed('cluster_nodes', error instanceof SpsError ? error : new SpsError('parse', 'could not read the cluster member list'));
    }
    if (this.#closed) return;
    this.#endpointUp.set('cluster_nodes', true);
    this.log.debug({ members: members.length }, 'cluster members read');
    this.onMembers(members);
  }

  async #read(endpoint: DataEndpoint): Promise<void> {
    const spec = ENDPOINTS[endpoint];
    const json = await this.client.getJson(spec.path);
    const at = this.now();
    const collected = spec.collect(json, at, this.target);
    for (const note of collected.notes) this.#noteOnce(endpoint, note);
    const { samples, dropped } = applyLimits(collected.samples, this.target.limits);
    for (const drop of dropped) this.#droppedSamples(endpoint, drop);
    const part = this.#parts.get(endpoint);
    // Updated in place: a new object per read would live until the next poll, be promoted, and die there.
    if (part) {
      part.encoded = part.renderer.render(samples);
      part.at = at;
    } else {
      const renderer = new PartRenderer(this.nodeLabels);
      this.#parts.set(endpoint, { renderer, encoded: renderer.render(samples), at });
    }
    this.#endpointUp.set(endpoint, true);
    if (endpoint === 'health_status') {
      this.healthOk = true;
      this.lastSuccessAt = at;
    } else if (endpoint === 'info') {
      this.#infoAt = at;
      this.#infoLogins = this.client.logins;
    }
    // The replaced part's memory may have been rewritten in place, so the rows served until now
    // are out of date: rebuilt at the end of this poll, or by a scrape that comes first.
    this.#servingUntil = -Infinity;
  }

  /**
   * `skipped`: not read because an earlier endpoint failed node-wide with `error`. It is counted and
   * down with that reason, but the failure stays where it happened (last error, log).
   */
  #failed(endpoint: Endpoint, error: SpsError, skipped = false): void {
    if (this.#closed) return; // a poll cut short by a reload or shutdown says nothing about the node
    const key = `${endpoint}\0${error.reason}`;
    this.#errors.set(key, (this.#errors.get(key) ?? 0) + 1);
    this.#endpointUp.set(endpoint, false);
    if (skipped) return;
    if (OPTIONAL_ENDPOINTS.has(endpoint)) {
      // Not offered to this user (older firmware, no privilege): counted, logged once, never the node's state.
      this.#noteOnce(endpoint, `${endpoint} unavailable (${error.reason}: ${error.message}); its metrics are not exported`);
      return;
    }
    const previous = this.lastError;
    this.lastError = { endpoint, reason: error.reason, message: error.message, at: this.now() };
    if (endpoint === 'health_status') {
      if (this.healthOk) this.log.warn({ endpoint, reason: error.reason, err: error.message }, 'node is down');
      this.healthOk = false;
    }
    const repeated = previous?.endpoint === endpoint && previous.reason === error.reason;
    this.log[repeated ? 'debug' : 'warn']({ endpoint, reason: error.reason, err: error.message }, 'poll failed');
  }

  #droppedSamples(endpoint: Endpoint, { family, reason, count }: Dropped): void {
    const key = `${family}\0${reason}`;
    this.#dropped.set(key, (this.#dropped.get(key) ?? 0) + count);
    const limit = reason === 'series_limit' ? `more than ${this.target.limits.seriesPerFamily} series (series_limit_per_family)` : `a label value longer than ${this.target.limits.labelValueLength} characters (label_value_length_limit)`;
    this.#noteOnce(endpoint, `${family}: samples with ${limit} are dropped and counted in sps_exporter_samples_dropped_total`);
  }

  #noteOnce(endpoint: Endpoint, note: string): void {
    if (this.#notes.has(note) || this.#notes.size >= MAX_NOTES) return;
    this.#notes.add(note);
    this.log.warn({ endpoint }, note);
  }

  #fresh(part: Part | undefined, now: number): part is Part {
    return part !== undefined && now - part.at < this.staleAfterMs;
  }

  #serve(now: number): void {
    const health = this.#parts.get('health_status');
    const healthFresh = this.#fresh(health, now);
    const parts = [this.#status.render(this.#statusSamples(healthFresh))];
    let until = Infinity;
    for (const [endpoint, part] of this.#parts) {
      // /api/info and the configuration are read only every 10 minutes; they describe the node for as long as its health data is fresh.
      const freshness = endpoint === 'info' || CONFIG_ENDPOINTS.has(endpoint) ? health : part;
      if (!this.#fresh(freshness, now)) continue;
      parts.push(part.encoded);
      until = Math.min(until, freshness.at + this.staleAfterMs);
    }
    this.#serving = serveParts(parts, this.#serving);
    this.#servingUntil = until;
  }

  #statusSamples(healthFresh: boolean): Sample[] {
    const samples: Sample[] = [{ family: F.up, value: this.healthOk && healthFresh ? 1 : 0 }];
    for (const [endpoint, up] of this.#endpointUp) samples.push({ family: F.endpointUp, labels: { endpoint }, value: up ? 1 : 0 });
    if (this.lastPollAt !== undefined) samples.push({ family: F.lastPoll, value: this.lastPollAt / 1000 });
    if (this.lastSuccessAt !== undefined) samples.push({ family: F.lastSuccess, value: this.lastSuccessAt / 1000 });
    if (this.lastDurationSeconds !== undefined) samples.push({ family: F.pollDuration, value: this.lastDurationSeconds });
    samples.push({ family: F.polls, value: this.polls });
    for (const [key, count] of this.#errors) {
      const [endpoint, reason] = key.split('\0') as [string, string];
      samples.push({ family: F.pollErrors, labels: { endpoint, reason }, value: count });
    }
    for (const [key, count] of this.#dropped) {
      const [family, reason] = key.split('\0') as [string, string];
      samples.push({ family: F.samplesDropped, labels: { family, reason }, value: count });
    }
    samples.push({ family: F.logins, value: this.client.logins }, { family: F.loginFailures, value: this.client.loginFailures }, { family: F.connections, value: this.client.connections });
    return samples;
  }
}
