import { partTable, type RenderedPart } from './part.js';

/** Numbers per row of a view's table: family slot, part (index into `memory`), offset, length. */
export const ROW = 4;

/**
 * What one node serves: its parts' memory and one table of every family text in them, built when
 * the node's poll lands. A scrape then reads one compact table per node instead of reaching into
 * every part's memory. Read it before yielding to the event loop (an ExpositionReader takes what it
 * needs at once): the node's next view reuses its rows, and its next poll its parts' memory once
 * no reader is open.
 */
export interface NodeView {
  readonly memory: readonly ArrayBuffer[];
  /** ROW numbers per family text, in part order: slot, part, offset in that part's memory, length. */
  readonly rows: Uint32Array;
  readonly textBytes: number;
}

/** A view of these parts; `replaces`, the node's previous view, lends its row table when it is large enough. */
export function viewOf(parts: readonly RenderedPart[], replaces?: NodeView): NodeView {
  let count = 0;
  for (const part of parts) count += part.families;
  const rows = rowTable(count, replaces);
  let textBytes = 0;
  let r = 0;
  parts.forEach((part, p) => {
    const { ends, slots, textStart, textBytes: bytes } = partTable(part);
    textBytes += bytes;
    let start = 0;
    for (let k = 0; k < slots.length; k++) {
      rows[r++] = slots[k]!;
      rows[r++] = p;
      rows[r++] = textStart + start;
      rows[r++] = ends[k]! - start;
      start = ends[k]!;
    }
  });
  return { memory: parts.map((part) => part.memory), rows, textBytes };
}

/** A row table in `replaces`' memory when it holds `count` rows, else new memory with room for a few more. */
export function rowTable(count: number, replaces: NodeView | undefined): Uint32Array {
  const held = replaces?.rows.buffer;
  return held && held.byteLength >= 4 * ROW * count
    ? new Uint32Array(held, 0, ROW * count)
    : new Uint32Array(new ArrayBuffer(4 * ROW * (count + 8)), 0, ROW * count);
}
