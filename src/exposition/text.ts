import type { Family, Labels, Sample } from '../collect/families.js';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value); // NaN prints as "NaN", as the format wants
}

/** `a="1",b="2"` for a label set, values escaped. */
export function formatLabels(labels: Labels): string {
  let out = '';
  for (const name in labels) out += `${out ? ',' : ''}${name}="${escapeLabelValue(labels[name]!)}"`;
  return out;
}

/**
 * Gives every family a fixed slot so a node's rendered text can be stored as per-family ranges,
 * and a whole fleet's exposition is a walk over slots, not a re-serialization.
 */
class FamilySlots {
  readonly #slots = new Map<Family, number>();
  readonly #headers: Buffer[] = [];

  slot(family: Family): number {
    let slot = this.#slots.get(family);
    if (slot === undefined) {
      slot = this.#headers.length;
      this.#slots.set(family, slot);
      const header = Buffer.from(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`);
      this.#headers.push(header);
    }
    return slot;
  }

  header(slot: number): Buffer {
    return this.#headers[slot]!;
  }

  get size(): number {
    return this.#headers.length;
  }
}

const slots = new FamilySlots();

/**
 * A node's rendered samples of one endpoint: one buffer holding the text of each family it has,
 * family after family in slot order, and where each family's text ends. Offsets rather than a
 * view per family: a view is an object the garbage collector copies and promotes with every poll
 * (~60 per node), while a scrape makes its short-lived views with `new Uint8Array(buffer, ...)`,
 * ~25 ns each.
 */
export interface EncodedPart {
  /** The family slots this part holds, ascending. */
  readonly slots: Uint16Array;
  /** Where each slot's text ends in `buffer`; it starts where the previous one ends. */
  readonly ends: Uint32Array;
  readonly buffer: Buffer;
}

/**
 * Renders samples with the node's own labels (already formatted, e.g. `node="sps1"`) in front,
 * encoded at once: what a node keeps between polls is bytes, not strings.
 */
export function renderSamples(samples: readonly Sample[], nodeLabels: string): EncodedPart {
  const lines: string[] = [];
  let used = 0;
  for (const { family, labels, value } of samples) {
    const slot = slots.slot(family);
    const own = labels ? formatLabels(labels) : '';
    const line = `${family.name}{${nodeLabels}${own && nodeLabels ? ',' : ''}${own}} ${formatValue(value)}\n`;
    if (lines[slot] === undefined) used++;
    lines[slot] = (lines[slot] ?? '') + line;
  }
  const slotsUsed = new Uint16Array(used);
  const ends = new Uint32Array(used);
  let whole = '';
  let i = 0;
  lines.forEach((text, slot) => {
    whole += text;
    slotsUsed[i++] = slot;
  });
  // Its own allocation, not a slice of a shared pool slab that a small buffer would keep alive.
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(whole));
  buffer.write(whole);
  const ascii = buffer.length === whole.length; // then string offsets are byte offsets
  let end = 0;
  i = 0;
  lines.forEach((text) => {
    end += ascii ? text.length : Buffer.byteLength(text);
    ends[i++] = end;
  });
  return { slots: slotsUsed, ends, buffer };
}

/**
 * Reads the text exposition of many parts (in node order) out in blocks: each family's HELP and
 * TYPE once, its samples together. The size is known up front, so a response can carry a
 * content-length without the exposition ever being held whole (12 MB at 1000 nodes).
 * The parts are immutable, so a reader is a consistent snapshot however long its client reads.
 */
export class ExpositionReader {
  readonly size: number;
  /** Every family text of every part ordered by slot, then by part (a counting sort), each slot's header first: memory, offset, length. */
  readonly #memory: ArrayBuffer[];
  readonly #offsets: Uint32Array;
  readonly #lengths: Uint32Array;
  #row = 0;
  #done = 0; // bytes of the current row already read

  constructor(parts: readonly EncodedPart[]) {
    const perSlot = new Uint32Array(slots.size);
    let size = 0;
    for (const part of parts) {
      size += part.buffer.length;
      for (const slot of part.slots) perSlot[slot]!++;
    }
    // Where each slot's rows go: its header, then its texts in part order.
    const next = new Uint32Array(slots.size);
    let rows = 0;
    for (let slot = 0; slot < perSlot.length; slot++) {
      if (perSlot[slot] === 0) continue;
      size += slots.header(slot).length;
      next[slot] = rows;
      rows += 1 + perSlot[slot]!;
    }
    this.size = size;
    const memory = (this.#memory = new Array<ArrayBuffer>(rows));
    const offsets = (this.#offsets = new Uint32Array(rows));
    const lengths = (this.#lengths = new Uint32Array(rows));
    for (let slot = 0; slot < perSlot.length; slot++) {
      if (perSlot[slot] === 0) continue;
      const header = slots.header(slot);
      const row = next[slot]!++;
      memory[row] = header.buffer as ArrayBuffer;
      offsets[row] = header.byteOffset;
      lengths[row] = header.length;
    }
    for (const { slots: held, ends, buffer } of parts) {
      let start = 0;
      for (let k = 0; k < held.length; k++) {
        const row = next[held[k]!]!++;
        memory[row] = buffer.buffer as ArrayBuffer;
        offsets[row] = buffer.byteOffset + start;
        lengths[row] = ends[k]! - start;
        start = ends[k]!;
      }
    }
  }

  /** Fills `out` from where the last read stopped; returns the bytes written, 0 once everything was read. */
  read(out: Buffer): number {
    const memory = this.#memory;
    const offsets = this.#offsets;
    const lengths = this.#lengths;
    let row = this.#row;
    let done = this.#done;
    let pos = 0;
    while (row < memory.length && pos < out.length) {
      // A row may be cut at the end of one block and finished at the start of the next.
      const n = Math.min(lengths[row]! - done, out.length - pos);
      out.set(new Uint8Array(memory[row]!, offsets[row]! + done, n), pos);
      pos += n;
      done += n;
      if (done < lengths[row]!) break;
      row++;
      done = 0;
    }
    this.#row = row;
    this.#done = done;
    return pos;
  }

  /** Everything not read yet, in one buffer. */
  readAll(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    return out.subarray(0, this.read(out));
  }
}

/** The whole exposition of these parts in one buffer (one node's for /probe; tests). */
export function renderExposition(parts: readonly EncodedPart[]): Buffer {
  return new ExpositionReader(parts).readAll();
}
