import { BAND_BYTES, ExpositionReader, mergeServed, partGuard, ReadGuard, type ServedParts } from './text.js';

/**
 * Nodes per merged group. A scrape reads one row per group and merged family instead of one per
 * node and family (~58k at 1000 nodes, most of a scrape's time), and merges again only the groups
 * with a node whose served parts changed since the last scrape. Measured in-process at 1000 nodes
 * with every family merged and 6 / 50 / all nodes polled at random between scrapes: 16 took 3.6 /
 * 9.3 / 12.9 ms, 32 took 4.1 / 9.9 / 12.8, 64 took 5.5 / 12.0 / -, 4 took 4.3 / 6.3 / 15.0;
 * reading the nodes themselves took ~12.5 ms in every case.
 */
export const GROUP_NODES = 16;

/**
 * A family is merged when its texts average fewer bytes than this per node of the group; larger
 * ones are read from the nodes' own parts. The merged copy is memory held for the fleet's
 * lifetime, and a row saved costs the same whatever its length: the simulator's 45 families under
 * 150 bytes a node (of 65) are three quarters of a node's rows and 31% of its bytes. Merging every
 * family held 12.6 MB more (peak RSS 206-212 against 193-201 MB, alternating bench runs) for a
 * scrape 3.4 ms shorter with 6 nodes polled between scrapes (3.1 against 6.4-6.6 ms in-process;
 * thresholds of 450 and 1000 bytes: 5.2 and 3.9 ms) and 1.6 ms shorter with every node polled
 * (12.3 against 13.9).
 */
export const MERGE_BELOW_BYTES = 150;

interface Group {
  /** The nodes' served parts the merge was made from: a node serves a new object whenever its rows change. */
  readonly nodes: ServedParts[];
  readonly merged: ServedParts;
}

/**
 * A fleet's exposition, scrape after scrape: nodes in groups of GROUP_NODES, in the order given,
 * each group's small families merged into one memory (mergeServed) and kept until one of its
 * nodes serves something new. Costs a copy of those families' text (~4 MB at 1000 nodes); a
 * scrape then copies ~18k rows (one per group and small family, one per node and large family)
 * and the small texts of the groups that changed, not ~58k rows, one per node and family.
 */
export class FleetExposition {
  readonly #guard = new ReadGuard();
  readonly #groups: Group[] = [];

  /** `mergeBelow`: see MERGE_BELOW_BYTES (Infinity merges every family, 0 none). */
  constructor(readonly mergeBelow = MERGE_BELOW_BYTES) {}

  /** A reader of every node's served parts, in this order (see ExpositionReader); nodes read before it returns. */
  reader(nodes: readonly ServedParts[], bandBytes = BAND_BYTES): ExpositionReader {
    const groups = this.#groups;
    const count = Math.ceil(nodes.length / GROUP_NODES);
    groups.length = Math.min(groups.length, count);
    const merged: ServedParts[] = [];
    let direct = false;
    for (let g = 0; g < count; g++) {
      const start = g * GROUP_NODES;
      const end = Math.min(start + GROUP_NODES, nodes.length);
      const group = groups[g];
      if (!group || !sameNodes(group.nodes, nodes, start, end)) {
        const members = nodes.slice(start, end);
        groups[g] = { nodes: members, merged: mergeServed(members, this.#guard, group?.merged, this.mergeBelow) };
      }
      merged.push(groups[g]!.merged);
      if (groups[g]!.merged.memory.length > 1) direct = true;
    }
    // Rows into the nodes' parts keep the parts from being rewritten in place while it reads.
    return new ExpositionReader(merged, bandBytes, direct ? [this.#guard, partGuard] : [this.#guard]);
  }
}

function sameNodes(held: readonly ServedParts[], nodes: readonly ServedParts[], start: number, end: number): boolean {
  if (held.length !== end - start) return false;
  for (let i = start; i < end; i++) if (held[i - start] !== nodes[i]) return false;
  return true;
}
