import type { TargetConfig } from '../config/types.js';
import { ENDPOINTS, MEMBER_LIST, type Endpoint } from '../collect/endpoints.js';
import { applyLimits, droppedNote, type Dropped } from '../collect/limits.js';
import type { Collected } from '../collect/samples.js';
import { collectServerCertificate } from '../collect/server-certificate.js';
import type { ServerCertificate } from '../sps/server-certificate.js';
import type { Exposition, NodeSeries, NodeView } from '../exposition/exposition.js';
import type { Logger } from '../log.js';
import type { ClusterMember } from '../sps/cluster.js';
import { SpsClient } from '../sps/client.js';
import type { SecureContexts } from '../sps/secure-contexts.js';
import { LoginError, SpsError, type FailureReason } from '../sps/errors.js';
import { parseResponse } from '../sps/schemas.js';
import { LoginRateWatch } from './login-rate.js';
import { MemberDiscovery } from './member-discovery.js';
import { NotesOnce } from './notes.js';
import { statusSamples } from './status.js';

/** Data is served for this many intervals after it was read, then only sps_up 0 and poll metrics remain. */
export const STALE_AFTER_INTERVALS = 3;
/** Failures that would hit every other endpoint of the node too, so the rest of the poll is skipped. */
const NODE_WIDE: ReadonlySet<FailureReason> = new Set(['auth', 'timeout', 'connect', 'tls', 'proxy']);
/** The source of the node's own poll metrics (sps_up, counters) among its series. */
const STATUS = 'status';
/** The source of the certificate the node presented on its connection. */
const SERVER_CERTIFICATE = 'server_certificate';
/** The endpoint whose data says the node is up, and whose freshness is the node's. */
const UP_SIGNAL = ENDPOINTS.find((endpoint) => endpoint.upSignal)!;

export interface LastError {
  endpoint: string;
  reason: FailureReason;
  message: string;
  at: number;
}

/** What the poller remembers of one endpoint's reads. */
interface EndpointState {
  attemptedAt: number;
  readAt: number;
  /** The client's login count when it was last read. */
  loginsAtRead: number;
}

export interface NodePollerOptions {
  target: TargetConfig;
  log: Logger;
  exposition: Exposition;
  now?: () => number;
  /** Called with a `discover: cluster` target's member list each time it is read. */
  onMembers?: (members: ClusterMember[]) => void;
  /** The client of the poller this one replaces, when it serves this target (see SpsClient.serves). */
  client?: SpsClient;
  /** For a new client: the TLS contexts the scheduler's clients share. */
  secureContexts?: SecureContexts;
}

/** One SPS node: its client, what its polls last returned, and its series. State and timing only: what an endpoint means is in collect/endpoints.ts. */
export class NodePoller {
  readonly client: SpsClient;
  readonly target: TargetConfig;
  readonly log: Logger;
  readonly staleAfterMs: number;
  #polls = 0;
  #lastPollAt: number | undefined;
  #lastSuccessAt: number | undefined;
  #lastDurationSeconds: number | undefined;
  #lastError: LastError | undefined;
  #healthOk = false;
  #closed = false;
  readonly #now: () => number;
  readonly #onMembers: (members: ClusterMember[]) => void;
  readonly #series: NodeSeries;
  readonly #state = new Map<Endpoint, EndpointState>();
  readonly #errors = new Map<string, number>();
  readonly #endpointUp = new Map<string, boolean>();
  /** The reason each failing endpoint last failed with: a warning when it starts or changes, info when it recovers. */
  readonly #failing = new Map<string, FailureReason>();
  /** Samples dropped by the node's limits, by family and reason. */
  readonly #dropped = new Map<string, number>();
  readonly #loginRate: LoginRateWatch;
  readonly #notes: NotesOnce;
  #view: NodeView | undefined;
  /** The server certificate whose samples the series holds. */
  #certificateSet: ServerCertificate | undefined;
  /** When the view must be made again: a part went stale, or a read replaced one. */
  #viewUntil = -Infinity;
  /** A `discover: cluster` target's member list. */
  readonly #discovery: MemberDiscovery | undefined;

  constructor({
    target,
    log,
    exposition,
    now = Date.now,
    onMembers = () => {},
    client,
    secureContexts,
  }: NodePollerOptions) {
    this.target = target;
    this.log = log;
    this.#loginRate = new LoginRateWatch(log);
    this.#notes = new NotesOnce(log);
    this.#now = now;
    this.#onMembers = onMembers;
    this.client = client ?? new SpsClient({ target, now, secureContexts });
    this.#series = exposition.nodeSeries({ node: target.name, ...target.labels });
    this.staleAfterMs = STALE_AFTER_INTERVALS * target.intervalMs;
    if (target.discover === 'cluster') {
      this.#discovery = new MemberDiscovery({
        intervalMs: target.intervalMs,
        everyMs: target.discoveryIntervalMs,
        read: (names) => MEMBER_LIST.read(this.client, names),
        onMembers: (members) => this.#membersRead(members),
        onFailure: (error) => this.#membersFailed(error),
      });
    }
  }

  get name(): string {
    return this.target.name;
  }

  /** Polls started. */
  get polls(): number {
    return this.#polls;
  }

  get lastPollAt(): number | undefined {
    return this.#lastPollAt;
  }

  /** When /api/health_status last answered with data. */
  get lastSuccessAt(): number | undefined {
    return this.#lastSuccessAt;
  }

  get lastDurationSeconds(): number | undefined {
    return this.#lastDurationSeconds;
  }

  /** The last failure of a required endpoint (the status page shows it). */
  get lastError(): LastError | undefined {
    return this.#lastError;
  }

  /** The last poll of /api/health_status succeeded. */
  get healthOk(): boolean {
    return this.#healthOk;
  }

  /** Reads every endpoint that is due and stores what it maps to. Never throws. */
  async poll(): Promise<void> {
    const started = this.#now();
    this.#polls++;
    this.#lastPollAt = started;
    let nodeWide: SpsError | undefined;
    const wasHealthy = this.#healthOk;
    for (const endpoint of ENDPOINTS) {
      if (!this.#due(endpoint, started)) continue;
      if (nodeWide) {
        if (!endpoint.optional) this.#failed(endpoint.name, nodeWide, true);
        continue;
      }
      this.#stateOf(endpoint).attemptedAt = started;
      try {
        await this.#read(endpoint);
      } catch (error) {
        const failure =
          error instanceof SpsError ? error : new SpsError('parse', `could not map the ${endpoint.name} response`);
        if (!(error instanceof SpsError))
          this.log.error({ endpoint: endpoint.name, err: String(error) }, 'collector failed');
        this.#failed(endpoint.name, failure, false, endpoint);
        if ((failure instanceof LoginError || NODE_WIDE.has(failure.reason)) && !endpoint.optional) nodeWide = failure;
      }
    }
    this.#discovery?.pollEnded(started, { reachedNode: !nodeWide });
    this.#lastDurationSeconds = (this.#now() - started) / 1000;
    this.#loginRate.polled(this.client.logins);
    this.log.debug({ seconds: this.lastDurationSeconds, up: this.healthOk, logins: this.client.logins }, 'poll done');
    if (this.healthOk && !wasHealthy) this.log.info({ logins: this.client.logins }, 'node is up');
    this.#makeView(this.#now()); // here, not in a scrape: a scrape remakes only a view that went stale
  }

  /** This node's series as of `now`: its poll status always, its data only while fresh. */
  view(now: number = this.#now()): NodeView {
    if (now >= this.#viewUntil || !this.#view) return this.#makeView(now);
    return this.#view;
  }

  /** Stops the poller and closes its client. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.client.close();
  }

  /** Stops the poller and returns its client, still open, for the poller that replaces it: its session, connection and counters go on. */
  handOverClient(): SpsClient {
    this.#closed = true;
    return this.client;
  }

  #stateOf(endpoint: Endpoint): EndpointState {
    let state = this.#state.get(endpoint);
    if (!state) this.#state.set(endpoint, (state = { attemptedAt: -Infinity, readAt: -Infinity, loginsAtRead: -1 }));
    return state;
  }

  #due(endpoint: Endpoint, now: number): boolean {
    if (endpoint.clusterOnly && this.target.discover !== 'cluster') return false;
    if (this.target.disabledEndpoints.includes(endpoint.name)) return false;
    if (endpoint.refreshMs === undefined) return true;
    const state = this.#stateOf(endpoint);
    if (endpoint.rereadAfterLogin && state.loginsAtRead !== this.client.logins) return true;
    return now - (endpoint.retryAtNextPoll ? state.readAt : state.attemptedAt) >= endpoint.refreshMs;
  }

  #membersFailed(error: unknown): void {
    // The previous member list stays in use: a failed read must not stop the polling of members.
    this.#failed(
      MEMBER_LIST.name,
      error instanceof SpsError ? error : new SpsError('parse', 'could not read the cluster member list'),
      false,
    );
    this.#viewUntil = -Infinity; // the status changed after the poll made its view
  }

  #membersRead(members: ClusterMember[]): void {
    if (this.#closed) return;
    this.#endpointUp.set(MEMBER_LIST.name, true);
    this.#viewUntil = -Infinity;
    this.log.debug({ members: members.length }, 'cluster members read');
    this.#onMembers(members);
  }

  async #read(endpoint: Endpoint): Promise<void> {
    const json = await this.client.getJson(endpoint.path);
    const at = this.#now();
    const data = parseResponse(endpoint.schema, json, endpoint.path);
    this.#setSamples(endpoint.name, endpoint.collect(data, at));
    if (endpoint.memberNames) this.#discovery?.namesRead(endpoint.memberNames(data));
    const state = this.#stateOf(endpoint);
    state.readAt = at;
    state.loginsAtRead = this.client.logins;
    this.#endpointUp.set(endpoint.name, true);
    const failedWith = this.#failing.get(endpoint.name);
    if (failedWith !== undefined) {
      this.#failing.delete(endpoint.name);
      this.log.info({ endpoint: endpoint.name, was: failedWith }, 'endpoint recovered');
    }
    if (endpoint.upSignal) {
      this.#healthOk = true;
      this.#lastSuccessAt = at;
    }
    // The part's memory may have been rewritten in place: the view is made again at the end of
    // this poll, or by a scrape that comes first.
    this.#viewUntil = -Infinity;
  }

  /** Renders what a collector returned as the part of `source`, through the node's limits. */
  #setSamples(source: string, collected: Collected): void {
    for (const warning of collected.warnings) this.#notes.once(source, warning);
    const { samples, dropped } = applyLimits(collected.samples, this.target.limits);
    for (const drop of dropped) this.#droppedSamples(source, drop);
    this.#series.set(source, samples);
  }

  /**
   * `skipped`: not read because an earlier endpoint failed node-wide with `error`. It is counted and
   * down with that reason, but the failure stays where it happened (last error, log).
   */
  #failed(name: string, error: SpsError, skipped: boolean, endpoint?: Endpoint): void {
    if (this.#closed) return; // a poll cut short by a reload or shutdown says nothing about the node
    const key = `${name}\0${error.reason}`;
    this.#errors.set(key, (this.#errors.get(key) ?? 0) + 1);
    this.#endpointUp.set(name, false);
    if (skipped) return;
    if (!endpoint || endpoint.optional) {
      // Not offered to this user (older firmware, no privilege): counted, logged once, never the node's
      // state. A 404 is firmware that does not have the endpoint: said once, quietly.
      const notServed = error.status === 404;
      this.#notes.once(
        name,
        notServed
          ? `${name} is not served by this node's firmware (HTTP 404); its metrics are not exported`
          : `${name} unavailable (${error.reason}: ${error.message}); its metrics are not exported`,
        notServed ? 'info' : 'warn',
      );
      return;
    }
    this.#lastError = { endpoint: name, reason: error.reason, message: error.message, at: this.#now() };
    if (endpoint.upSignal) {
      if (this.#healthOk) this.log.warn({ endpoint: name, reason: error.reason, err: error.message }, 'node is down');
      this.#healthOk = false;
    }
    const repeated = this.#failing.get(name) === error.reason;
    this.#failing.set(name, error.reason);
    this.log[repeated ? 'debug' : 'warn']({ endpoint: name, reason: error.reason, err: error.message }, 'poll failed');
  }

  #droppedSamples(endpoint: string, { family, reason, count }: Dropped): void {
    const key = `${family}\0${reason}`;
    this.#dropped.set(key, (this.#dropped.get(key) ?? 0) + count);
    this.#notes.once(endpoint, droppedNote({ family, reason }, this.target.limits));
  }

  /** The view of the status and of every endpoint whose data is fresh at `now`, valid until the first of them goes stale. */
  #makeView(now: number): NodeView {
    const fresh = (readAt: number) => now - readAt < this.staleAfterMs;
    const nodeReadAt = this.#state.get(UP_SIGNAL)?.readAt ?? -Infinity;
    this.#series.set(
      STATUS,
      statusSamples({
        up: this.healthOk && fresh(nodeReadAt),
        endpointUp: this.#endpointUp,
        lastPollAt: this.lastPollAt,
        lastSuccessAt: this.lastSuccessAt,
        lastDurationSeconds: this.lastDurationSeconds,
        polls: this.polls,
        errors: this.#errors,
        dropped: this.#dropped,
        client: this.client,
      }),
    );
    const sources = [STATUS];
    let until = Infinity;
    // Read from the connection, so it is as fresh as the node's data, and cut with it.
    const certificate = this.client.serverCertificate;
    if (certificate && fresh(nodeReadAt)) {
      if (certificate !== this.#certificateSet)
        this.#setSamples(SERVER_CERTIFICATE, collectServerCertificate(certificate));
      this.#certificateSet = certificate;
      sources.push(SERVER_CERTIFICATE);
    }
    for (const [endpoint, { readAt }] of this.#state) {
      if (readAt === -Infinity) continue; // never read
      const servedSince = endpoint.servedWhile === 'node fresh' ? nodeReadAt : readAt;
      if (!fresh(servedSince)) continue;
      sources.push(endpoint.name);
      until = Math.min(until, servedSince + this.staleAfterMs);
    }
    this.#viewUntil = until;
    return (this.#view = this.#series.view(sources));
  }
}
