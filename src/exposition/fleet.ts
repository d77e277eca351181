import type { FamilyTable } from './family-table.js';
import { reusableMemory, ReadGuard } from './memory.js';
import { ROW, rowTable, type NodeView } from './node-view.js';

/**
 * Nodes per merged group. A scrape reads one row per group and merged family instead of one per
 * node and family, and merges again only the groups with a node whose view changed since the last
 * scrape (see docs/performance.md for how the size was chosen).
 */
export const GROUP_NODES = 16;

/**
 * A family is merged when its texts average fewer bytes than this per node of the group; larger
 * ones are read from the nodes' own parts. The merged copy is memory held for the fleet's
 * lifetime, while a row saved costs the same whatever its length: small families are most of a
 * node's rows and a small share of its bytes.
 */
export const MERGE_BELOW_BYTES = 150;

interface Group {
  /** The views the merge was made from: a node makes a new view whenever its rows change. */
  readonly nodes: NodeView[];
  readonly merged: NodeView;
}

/**
 * A fleet's views, scrape after scrape: nodes in groups of GROUP_NODES, in the order given, each
 * group's small families merged into one memory and kept until one of its nodes serves something
 * new. A scrape then reads one row per group and small family, one per node and large family.
 */
export class FleetView {
  /** Guards the groups' merged memory: while a reader of it is open, a merge goes to new memory. */
  readonly guard = new ReadGuard();
  readonly #table: FamilyTable;
  readonly #mergeBelow: number;
  readonly #groups: Group[] = [];
  /** Per slot, scratch for #merge: bytes, then where the next text goes (-1: not merged); from the slot count on, rows. */
  #scratch = new Float64Array(0);

  /** `mergeBelow`: see MERGE_BELOW_BYTES (Infinity merges every family, 0 none). */
  constructor(table: FamilyTable, mergeBelow = MERGE_BELOW_BYTES) {
    this.#table = table;
    this.#mergeBelow = mergeBelow;
  }

  /**
   * The views of every group of `nodes`, in order, and whether any has rows into the nodes' own
   * parts (then a reader must guard the parts too). Nodes are read before it returns.
   */
  groups(nodes: readonly NodeView[]): { views: NodeView[]; readsParts: boolean } {
    const groups = this.#groups;
    const count = Math.ceil(nodes.length / GROUP_NODES);
    groups.length = Math.min(groups.length, count);
    const views: NodeView[] = [];
    let readsParts = false;
    for (let g = 0; g < count; g++) {
      const start = g * GROUP_NODES;
      const end = Math.min(start + GROUP_NODES, nodes.length);
      const group = groups[g];
      if (!group || !sameNodes(group.nodes, nodes, start, end)) {
        const members = nodes.slice(start, end);
        groups[g] = { nodes: members, merged: this.#merge(members, group?.merged) };
      }
      views.push(groups[g]!.merged);
      if (groups[g]!.merged.memory.length > 1) readsParts = true;
    }
    return { views, readsParts };
  }

  /**
   * The views of several nodes as one: each family whose texts average fewer than `mergeBelow`
   * bytes per node is merged into one memory, its texts together in node order (one row instead of
   * one per node); the other families' rows point into the nodes' own memory. The merged memory
   * comes first in `memory`; `replaces` (the group's previous merge) is rewritten in place when no
   * reader of it is open.
   */
  #merge(nodes: readonly NodeView[], replaces: NodeView | undefined): NodeView {
    const slotCount = this.#table.size;
    if (this.#scratch.length < 2 * slotCount) this.#scratch = new Float64Array(4 * slotCount);
    const bytes = this.#scratch.fill(0, 0, slotCount);
    const counts = this.#scratch.subarray(slotCount).fill(0, 0, slotCount);
    for (const { rows } of nodes) {
      for (let r = 0; r < rows.length; r += ROW) {
        bytes[rows[r]!]! += rows[r + 3]!;
        counts[rows[r]!]!++;
      }
    }
    // Each slot merged or not, once: an unmerged slot's bytes become -1.
    const limit = this.#mergeBelow * nodes.length;
    let merged = 0;
    let mergedBytes = 0;
    let direct = 0;
    let textBytes = 0;
    for (let slot = 0; slot < slotCount; slot++) {
      const length = bytes[slot]!;
      textBytes += length;
      if (length === 0) continue;
      if (length < limit) {
        merged++;
        mergedBytes += length;
      } else {
        direct += counts[slot]!;
        bytes[slot] = -1;
      }
    }
    const memory = reusableMemory({ bytes: mergedBytes, replaced: replaces?.memory[0], guard: this.guard });
    const rows = rowTable(merged + direct, replaces);
    const held: ArrayBuffer[] = [memory];
    const base = direct > 0 ? new Uint32Array(nodes.length) : undefined;
    for (let n = 0; base && n < nodes.length; n++) {
      base[n] = held.length;
      for (const m of nodes[n]!.memory) held.push(m);
    }
    // Merged slots: one row each, their texts copied in node order. Then node by node, the others'
    // rows into the node's own memory: a slot's rows come in node order, which is all a reader needs.
    let at = 0;
    let r = 0;
    for (let slot = 0; slot < slotCount; slot++) {
      const length = bytes[slot]!;
      if (length <= 0) continue;
      rows[r++] = slot;
      rows[r++] = 0;
      rows[r++] = at;
      rows[r++] = length;
      bytes[slot] = at; // from here on: where the slot's next text goes
      at += length;
    }
    for (let n = 0; base && n < nodes.length; n++) {
      const table = nodes[n]!.rows;
      for (let t = 0; t < table.length; t += ROW) {
        if (bytes[table[t]!]! >= 0) continue;
        rows[r++] = table[t]!;
        rows[r++] = base[n]! + table[t + 1]!;
        rows[r++] = table[t + 2]!;
        rows[r++] = table[t + 3]!;
      }
    }
    const out = new Uint8Array(memory);
    for (const { memory: from, rows: table } of nodes) {
      for (let t = 0; t < table.length; t += ROW) {
        const slot = table[t]!;
        if (bytes[slot]! < 0) continue;
        const length = table[t + 3]!;
        out.set(new Uint8Array(from[table[t + 1]!]!, table[t + 2], length), bytes[slot]);
        bytes[slot]! += length;
      }
    }
    return { memory: held, rows, textBytes };
  }
}

function sameNodes(held: readonly NodeView[], nodes: readonly NodeView[], start: number, end: number): boolean {
  if (held.length !== end - start) return false;
  for (let i = start; i < end; i++) if (held[i - start] !== nodes[i]) return false;
  return true;
}
