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
 * A node's rendered samples of one endpoint, in one allocation: a table of where each family's
 * text ends (Uint32) and which family it is (its slot, Uint16, ascending), then the text, family
 * after family. One buffer and no view per family: every object a poll leaves behind is copied
 * and promoted by the garbage collector, and a scrape makes its own short-lived views
 * (`new Uint8Array(memory, offset, length)`, ~25 ns each).
 */
export interface EncodedPart {
  readonly buffer: Buffer;
  /** How many families the part holds: the table is 6 bytes per family. */
  readonly families: number;
}

const TABLE_BYTES_PER_FAMILY = 6;

/** A part's table, and where its text starts in its memory and how long it is. */
function partTable(part: EncodedPart): { ends: Uint32Array; slots: Uint16Array; text: number; textBytes: number } {
  const { buffer, families } = part;
  const ends = new Uint32Array(buffer.buffer, buffer.byteOffset, families);
  const slots = new Uint16Array(buffer.buffer, buffer.byteOffset + 4 * families, families);
  const table = TABLE_BYTES_PER_FAMILY * families;
  return { ends, slots, text: buffer.byteOffset + table, textBytes: buffer.length - table };
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
  let whole = '';
  lines.forEach((text) => {
    whole += text;
  });
  const table = TABLE_BYTES_PER_FAMILY * used;
  // Its own allocation (byteOffset 0, so the Uint32 table is aligned), not a slice of a shared
  // pool slab that a small buffer would keep alive.
  const buffer = Buffer.allocUnsafeSlow(table + Buffer.byteLength(whole));
  buffer.write(whole, table);
  const part: EncodedPart = { buffer, families: used };
  const { ends, slots: held } = partTable(part);
  const ascii = buffer.length - table === whole.length; // then string offsets are byte offsets
  let end = 0;
  let i = 0;
  lines.forEach((text, slot) => {
    end += ascii ? text.length : Buffer.byteLength(text);
    ends[i] = end;
    held[i++] = slot;
  });
  return part;
}

/**
 * Reads the text exposition of many parts (in node order) out in blocks: each family's HELP and
 * TYPE once, its samples together. The size is known up front, so a response can carry a
 * content-length without the exposition ever being held whole (12 MB at 1000 nodes).
 * The parts are immutable, so a reader is a consistent snapshot however long its client reads.
 */
export class ExpositionReader {
  readonly size: number;
  /** The memory rows point into: every part's, then the headers'. */
  readonly #memory: ArrayBuffer[];
  /** Every family text of every part ordered by slot, then by part (a counting sort), each slot's header first: which memory, offset, length. */
  readonly #sources: Uint32Array;
  readonly #offsets: Uint32Array;
  readonly #lengths: Uint32Array;
  #row = 0;
  #done = 0; // bytes of the current row already read

  constructor(parts: readonly EncodedPart[]) {
    const perSlot = new Uint32Array(slots.size);
    let size = 0;
    const tables = parts.map(partTable);
    for (const { slots: held, textBytes } of tables) {
      size += textBytes;
      for (const slot of held) perSlot[slot]!++;
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
    const memory = (this.#memory = parts.map((part) => part.buffer.buffer as ArrayBuffer));
    const sources = (this.#sources = new Uint32Array(rows));
    const offsets = (this.#offsets = new Uint32Array(rows));
    const lengths = (this.#lengths = new Uint32Array(rows));
    for (let slot = 0; slot < perSlot.length; slot++) {
      if (perSlot[slot] === 0) continue;
      const header = slots.header(slot);
      const row = next[slot]!++;
      sources[row] = memory.push(header.buffer as ArrayBuffer) - 1;
      offsets[row] = header.byteOffset;
      lengths[row] = header.length;
    }
    for (let p = 0; p < parts.length; p++) {
      const { ends, slots: held, text } = tables[p]!;
      let start = 0;
      for (let k = 0; k < held.length; k++) {
        const row = next[held[k]!]!++;
        sources[row] = p;
        offsets[row] = text + start;
        lengths[row] = ends[k]! - start;
        start = ends[k]!;
      }
    }
  }

  /** Fills `out` from where the last read stopped; returns the bytes written, 0 once everything was read. */
  read(out: Buffer): number {
    const memory = this.#memory;
    const sources = this.#sources;
    const offsets = this.#offsets;
    const lengths = this.#lengths;
    let row = this.#row;
    let done = this.#done;
    let pos = 0;
    while (row < sources.length && pos < out.length) {
      // A row may be cut at the end of one block and finished at the start of the next.
      const n = Math.min(lengths[row]! - done, out.length - pos);
      out.set(new Uint8Array(memory[sources[row]!]!, offsets[row]! + done, n), pos);
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
