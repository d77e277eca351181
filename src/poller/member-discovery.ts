import type { ClusterMember } from '../sps/cluster.js';

export interface MemberDiscoveryOptions {
  /** The node's poll interval: a read is started at the last poll before `everyMs` has passed. */
  intervalMs: number;
  /** How often the member list is read (the target's discovery_interval). */
  everyMs: number;
  /** Reads the list; `fqdns` are the members' names when the node's poll just read them. */
  read: (fqdns: ReadonlyMap<string, string> | undefined) => Promise<ClusterMember[]>;
  /** With the list once it is read whole. */
  onMembers: (members: ClusterMember[]) => void;
  /** With why the list could not be read; the previous list stays in use. */
  onFailure: (error: unknown) => void;
}

/**
 * A Central Management node's member list, read on its own schedule beside the node's polls: one
 * read at a time, never awaited by a poll, so a node slow to list 200 members still has its own
 * health read every interval. The members' names come from the /api/cluster/status answer the
 * same poll read (one read of each cluster endpoint per discovery).
 */
export class MemberDiscovery {
  readonly #options: MemberDiscoveryOptions;
  #triedAt = -Infinity;
  #reading: Promise<void> | undefined;
  /** Member names from this poll's /api/cluster/status answer, until the poll ends. */
  #fqdns: ReadonlyMap<string, string> | undefined;

  constructor(options: MemberDiscoveryOptions) {
    this.#options = options;
  }

  /** A read is under way. */
  get reading(): boolean {
    return this.#reading !== undefined;
  }

  /** The members' names, as the node's poll just read them. */
  namesRead(fqdns: ReadonlyMap<string, string>): void {
    this.#fqdns = fqdns;
  }

  /**
   * Called at the end of each poll: after one that reached the node, starts a read if one is due
   * and none is under way. Due at the last poll before `everyMs` has passed, so reads are never
   * further apart.
   */
  pollEnded(now: number, { reachedNode }: { reachedNode: boolean }): void {
    const fqdns = this.#fqdns;
    this.#fqdns = undefined;
    if (!reachedNode || this.#reading) return;
    if (now - this.#triedAt + this.#options.intervalMs <= this.#options.everyMs) return;
    this.#triedAt = now;
    this.#reading = this.#options
      .read(fqdns)
      .then(this.#options.onMembers, this.#options.onFailure)
      .finally(() => (this.#reading = undefined));
  }
}
