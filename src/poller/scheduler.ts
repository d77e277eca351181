import type { ExporterConfig, TargetConfig } from '../config/types.js';
import { stableHash } from '../config/shard.js';
import type { Exposition, ExpositionReader, NodeView } from '../exposition/exposition.js';
import type { Logger } from '../log.js';
import type { ClusterMember } from '../sps/cluster.js';
import type { SpsClient } from '../sps/client.js';
import { SecureContexts } from '../sps/secure-contexts.js';
import { planTargets } from './discovery.js';
import { NodePoller, type NodePollerOptions } from './node.js';

/** Where in its interval a node is polled (0..1): a stable spread from its name. */
function phaseOf(name: string): number {
  return stableHash(name) / 2 ** 32;
}

/**
 * Polls start on a 250 ms grid (timer coalescing): the polls due within one slot start in a
 * single wake-up of the event loop instead of one each, and their responses come back close
 * together, so one wake-up handles several (see docs/performance.md). Only the timer is rounded:
 * the cadence itself stays exact.
 */
const START_GRID_MS = 250;

/** At most `limit` polls in flight (the config's `concurrency`); the rest wait in arrival order. */
class ConcurrencyLimit {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(public limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A waiter is handed the finishing task's slot directly, so no newcomer can slip in between.
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      const next = this.#active <= this.limit ? this.#waiting.shift() : undefined;
      if (next) next();
      else this.#active--;
    }
  }
}

interface Scheduled {
  node: NodePoller;
  /** The start slot it waits in (see Scheduler.#slots). */
  slotAt: number;
  nextDue: number;
  skipped: number;
  /** A poll of it is running: the next due one is skipped rather than stacked. */
  busy: boolean;
}

export interface ApplyResult {
  added: string[];
  removed: string[];
  changed: string[];
  kept: string[];
}

export interface SchedulerOptions {
  log: Logger;
  /** Where the nodes' series go. */
  exposition: Exposition;
  now?: () => number;
  /** Makes a node's poller (tests give their own). */
  createNode?: (options: NodePollerOptions) => NodePoller;
}

/**
 * Polls every configured node, and every member its Central Management targets list, on its own
 * cadence; keeps nodes whose settings did not change across reloads and member list changes.
 */
export class Scheduler {
  readonly #entries = new Map<string, Scheduled>();
  /**
   * The entries due at each start time (a START_GRID_MS slot), under one timer per slot. A timer
   * per poll was a Timeout, a closure and its context kept for a whole interval: garbage that lived
   * long enough to be promoted, only to be found dead in a full collection.
   * A removed entry leaves its slot at once, so a reload that replaces every node frees the old
   * ones without waiting an interval.
   */
  readonly #slots = new Map<number, { timer: NodeJS.Timeout; due: Scheduled[] }>();
  readonly #log: Logger;
  readonly #exposition: Exposition;
  readonly #now: () => number;
  readonly #createNode: (options: NodePollerOptions) => NodePoller;
  readonly #limit = new ConcurrencyLimit(1);
  readonly #secureContexts = new SecureContexts();
  readonly #inFlight = new Set<Promise<void>>();
  /** The member list each `discover: cluster` target last read, by target name. */
  readonly #members = new Map<string, readonly ClusterMember[]>();
  readonly #skipNotes = new Set<string>();
  #configured: readonly TargetConfig[] = [];
  #running = false;

  constructor({
    log,
    exposition,
    now = Date.now,
    createNode = (options) => new NodePoller(options),
  }: SchedulerOptions) {
    this.#log = log;
    this.#exposition = exposition;
    this.#now = now;
    this.#createNode = createNode;
  }

  get nodes(): NodePoller[] {
    return [...this.#entries.values()].map((entry) => entry.node);
  }

  node(name: string): NodePoller | undefined {
    return this.#entries.get(name)?.node;
  }

  /** Brings the polled set in line with `config`. Unchanged nodes keep their session and data. */
  apply(config: ExporterConfig): ApplyResult {
    this.#limit.limit = config.concurrency;
    this.#configured = config.targets;
    const discovering = new Set(config.targets.filter((t) => t.discover === 'cluster').map((t) => t.name));
    for (const name of this.#members.keys()) if (!discovering.has(name)) this.#members.delete(name);
    return this.#sync();
  }

  #membersRead(parent: string, members: ClusterMember[]): void {
    this.#members.set(parent, members);
    const result = this.#sync();
    if (result.added.length + result.removed.length + result.changed.length > 0) {
      this.#log.info(
        { node: parent, added: result.added, removed: result.removed, changed: result.changed },
        'cluster members changed',
      );
    }
  }

  #sync(): ApplyResult {
    const plan = planTargets(this.#configured, this.#members);
    for (const note of plan.skipped) {
      if (this.#skipNotes.has(note)) continue;
      if (this.#skipNotes.size < 1000) this.#skipNotes.add(note);
      this.#log.info(note);
    }
    const result: ApplyResult = { added: [], removed: [], changed: [], kept: [] };
    const wanted = new Map(plan.targets.map((target) => [target.name, target]));
    // Changed nodes whose client serves their new settings keep it: no new login for a new label.
    const handedOver = new Map<string, SpsClient>();
    for (const [name, entry] of this.#entries) {
      const target = wanted.get(name);
      if (target?.fingerprint === entry.node.target.fingerprint) result.kept.push(name);
      else {
        (target ? result.changed : result.removed).push(name);
        const client = this.#remove(name, target !== undefined && entry.node.client.serves(target));
        if (client) handedOver.set(name, client);
      }
    }
    for (const target of plan.targets) {
      if (this.#entries.has(target.name)) continue;
      if (!result.changed.includes(target.name)) result.added.push(target.name);
      this.#add(target, handedOver.get(target.name));
    }
    return result;
  }

  start(): void {
    this.#running = true;
    for (const entry of this.#entries.values()) this.#schedule(entry);
  }

  /** Stops all timers and closes every node's connection; in-flight polls are cut short. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const { timer } of this.#slots.values()) clearTimeout(timer);
    this.#slots.clear();
    for (const name of [...this.#entries.keys()]) this.#remove(name);
    await Promise.allSettled(this.#inFlight);
  }

  /**
   * The exposition of every node, from stored data only: never waits on an SPS call.
   * A snapshot: polls landing while a client reads it do not change what it reads.
   */
  fleetReader(now: number = this.#now()): ExpositionReader {
    const views: NodeView[] = [];
    for (const entry of this.#entries.values()) views.push(entry.node.view(now));
    return this.#exposition.reader(views);
  }

  /** One node's exposition (/probe), or undefined for a name that is not one of this replica's nodes. */
  renderTarget(name: string, now: number = this.#now()): Buffer | undefined {
    const node = this.node(name);
    return node && this.#exposition.render(node.view(now));
  }

  #add(target: TargetConfig, client?: SpsClient): void {
    const log = this.#log.child(
      target.discoveredBy ? { node: target.name, cluster: target.discoveredBy } : { node: target.name },
    );
    const node: NodePoller = this.#createNode({
      target,
      log,
      exposition: this.#exposition,
      secureContexts: this.#secureContexts,
      now: this.#now,
      onMembers: (members) => {
        if (this.#entries.get(target.name)?.node === node) this.#membersRead(target.name, members);
      },
      client,
    });
    const now = this.#now();
    const entry: Scheduled = {
      node,
      slotAt: -1,
      nextDue: now + Math.floor(phaseOf(target.name) * target.intervalMs),
      skipped: 0,
      busy: false,
    };
    this.#entries.set(target.name, entry);
    if (this.#running) this.#schedule(entry);
  }

  /** Stops polling the node and closes it; with `keepClient`, its client stays open and is returned, for the poller that replaces it. */
  #remove(name: string, keepClient = false): SpsClient | undefined {
    const entry = this.#entries.get(name);
    if (!entry) return undefined;
    this.#entries.delete(name);
    const slot = this.#slots.get(entry.slotAt);
    if (slot) {
      const at = slot.due.indexOf(entry);
      if (at >= 0) slot.due.splice(at, 1);
      if (slot.due.length === 0) {
        clearTimeout(slot.timer);
        this.#slots.delete(entry.slotAt);
      }
    }
    if (keepClient) return entry.node.handOverClient();
    void entry.node.close();
    return undefined;
  }

  /** Puts the entry in the start slot of its next poll (see START_GRID_MS). */
  #schedule(entry: Scheduled): void {
    const interval = entry.node.target.intervalMs;
    const now = this.#now();
    if (entry.nextDue < now) entry.nextDue += Math.ceil((now - entry.nextDue) / interval) * interval;
    const startAt = Math.ceil(entry.nextDue / START_GRID_MS) * START_GRID_MS;
    entry.nextDue += interval;
    entry.slotAt = startAt;
    const slot = this.#slots.get(startAt);
    if (slot) slot.due.push(entry);
    else this.#slots.set(startAt, { timer: setTimeout(() => this.#startSlot(startAt), startAt - now), due: [entry] });
  }

  #startSlot(startAt: number): void {
    const slot = this.#slots.get(startAt);
    this.#slots.delete(startAt);
    for (const entry of slot?.due ?? []) this.#tick(entry);
  }

  #tick(entry: Scheduled): void {
    if (this.#entries.get(entry.node.name) !== entry) return;
    this.#schedule(entry);
    const { node } = entry;
    if (entry.busy) {
      entry.skipped++;
      node.log.debug({ skipped: entry.skipped }, 'previous poll still running; skipping this one');
      return;
    }
    entry.busy = true;
    const run = this.#limit
      .run(() => (this.#entries.get(node.name) === entry ? node.poll() : Promise.resolve()))
      .catch((error: unknown) => node.log.error({ err: String(error) }, 'poll crashed'))
      .finally(() => {
        entry.busy = false;
        this.#inFlight.delete(run);
      });
    this.#inFlight.add(run);
  }
}
