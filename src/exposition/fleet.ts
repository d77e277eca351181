import { BAND_BYTES, ExpositionReader, mergeServed, ReadGuard, type ServedParts } from './text.js';

/**
 * Nodes per merged group. A scrape reads one row per group and family (~3.6k at 1000 nodes)
 * instead of one per node and family (~58k, most of a scrape's time), and merges again only the
 * groups with a node whose served parts changed since the last scrape. Measured in-process at
 * 1000 nodes with 6 / 50 / all nodes polled at random between scrapes: 16 took 3.6 / 9.3 / 12.9
 * ms, 32 took 4.1 / 9.9 / 12.8, 64 took 5.5 / 12.0 / -, 4 took 4.3 / 6.3 / 15.0; reading the
 * nodes themselves took ~12.5 ms in every case.
 */
export const GROUP_NODES = 16;

interface Group {
  /** The nodes' served parts the merge was made from: a node serves a new object whenever its rows change. */
  readonly nodes: ServedParts[];
  readonly merged: ServedParts;
}

/**
 * A fleet's exposition, scrape after scrape: nodes in groups of GROUP_NODES, in the order given,
 * each group merged into one memory (mergeServed) and kept until one of its nodes serves
 * something new. Costs a copy of the fleet's text (12.6 MB at 1000 nodes); a scrape then copies
 * ~3.6k rows and the texts of the groups that changed, not every node's every family.
 */
export class FleetExposition {
  readonly #guard = new ReadGuard();
  readonly #groups: Group[] = [];

  /** A reader of every node's served parts, in this order (see ExpositionReader); nodes read before it returns. */
  reader(nodes: readonly ServedParts[], bandBytes = BAND_BYTES): ExpositionReader {
    const groups = this.#groups;
    const count = Math.ceil(nodes.length / GROUP_NODES);
    groups.length = Math.min(groups.length, count);
    const merged: ServedParts[] = [];
    for (let g = 0; g < count; g++) {
      const start = g * GROUP_NODES;
      const end = Math.min(start + GROUP_NODES, nodes.length);
      const group = groups[g];
      if (!group || !sameNodes(group.nodes, nodes, start, end)) {
        const members = nodes.slice(start, end);
        groups[g] = { nodes: members, merged: mergeServed(members, this.#guard, group?.merged) };
      }
      merged.push(groups[g]!.merged);
    }
    return new ExpositionReader(merged, bandBytes, this.#guard);
  }
}

function sameNodes(held: readonly ServedParts[], nodes: readonly ServedParts[], start: number, end: number): boolean {
  if (held.length !== end - start) return false;
  for (let i = start; i < end; i++) if (held[i - start] !== nodes[i]) return false;
  return true;
}
