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
 * Gives every family a fixed slot so one node's rendered text can be stored as an array of
 * per-family chunks, and a whole fleet's exposition is a walk over slots, not a re-serialization.
 */
class FamilySlots {
  readonly #slots = new Map<Family, number>();
  readonly #headers: Buffer[] = [];
  /** All headers' bytes together: the most a fleet exposition can add to its nodes' own bytes. */
  headerBytes = 0;

  slot(family: Family): number {
    let slot = this.#slots.get(family);
    if (slot === undefined) {
      slot = this.#headers.length;
      this.#slots.set(family, slot);
      const header = Buffer.from(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`);
      this.#headers.push(header);
      this.headerBytes += header.length;
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

/** A node's rendered samples: one buffer, with a view per family slot (sparse). */
export interface EncodedChunks {
  readonly slots: readonly (Buffer | undefined)[];
  readonly bytes: number;
}

/**
 * Renders samples with the node's own labels (already formatted, e.g. `node="sps1"`) in front,
 * encoded at once: what a node keeps between polls is bytes, not strings.
 */
export function renderSamples(samples: readonly Sample[], nodeLabels: string): EncodedChunks {
  const lines: string[][] = [];
  for (const { family, labels, value } of samples) {
    const slot = slots.slot(family);
    const own = labels ? formatLabels(labels) : '';
    (lines[slot] ??= []).push(`${family.name}{${nodeLabels}${own && nodeLabels ? ',' : ''}${own}} ${formatValue(value)}\n`);
  }
  const texts = lines.map((group) => group.join(''));
  const whole = texts.join('');
  // Its own allocation, not a slice of a shared pool slab that a small buffer would keep alive.
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(whole));
  buffer.write(whole);
  const ascii = buffer.length === whole.length; // then string offsets are byte offsets
  const views: (Buffer | undefined)[] = [];
  let offset = 0;
  texts.forEach((text, slot) => {
    const bytes = ascii ? text.length : Buffer.byteLength(text);
    views[slot] = buffer.subarray(offset, offset + bytes);
    offset += bytes;
  });
  return { slots: views, bytes: buffer.length };
}

/** One node's parts (status, health, dashboard, ...) merged slot by slot into a single buffer. */
export function mergeChunks(parts: readonly EncodedChunks[]): EncodedChunks {
  let bytes = 0;
  let size = 0;
  for (const part of parts) {
    bytes += part.bytes;
    size = Math.max(size, part.slots.length);
  }
  const buffer = Buffer.allocUnsafeSlow(bytes);
  const views: (Buffer | undefined)[] = [];
  let pos = 0;
  for (let slot = 0; slot < size; slot++) {
    const start = pos;
    for (const part of parts) {
      const chunk = part.slots[slot];
      if (chunk === undefined) continue;
      buffer.set(chunk, pos);
      pos += chunk.length;
    }
    if (pos > start) views[slot] = buffer.subarray(start, pos);
  }
  return { slots: views, bytes };
}

/**
 * Output buffers reused from scrape to scrape. A fleet's exposition is ~12 MB at 1000 nodes;
 * allocating that afresh every scrape makes V8 collect garbage for the external memory, which
 * costs more than the rendering itself. A buffer goes back to the pool only once its response
 * has been written, so concurrent scrapes never share one. One is kept: at 10k nodes it is 160 MB.
 */
export class OutputBuffers {
  readonly #free: Buffer[] = [];
  constructor(private readonly keep = 1) {}

  acquire(size: number): Buffer {
    const index = this.#free.findIndex((buffer) => buffer.length >= size);
    if (index >= 0) return this.#free.splice(index, 1)[0]!;
    return Buffer.allocUnsafe(Math.ceil(size * 1.25));
  }

  release(buffer: Buffer): void {
    if (this.#free.length < this.keep) this.#free.push(buffer);
  }
}

/** The most bytes an exposition of these nodes can take. */
export function expositionSize(nodes: readonly EncodedChunks[]): number {
  let size = slots.headerBytes;
  for (const node of nodes) size += node.bytes;
  return size;
}

/**
 * The text exposition of many nodes: each family's HELP and TYPE once, its samples together.
 * A fleet of 1000 nodes is ~100k small chunks; copying them into one buffer sized up front is
 * several times faster than Buffer.concat or joining strings. Returns a view of `out`.
 */
export function renderExposition(nodes: readonly EncodedChunks[], out: Buffer = Buffer.allocUnsafe(expositionSize(nodes))): Buffer {
  let pos = 0;
  for (let slot = 0; slot < slots.size; slot++) {
    let headed = false;
    for (const node of nodes) {
      const chunk = node.slots[slot];
      if (chunk === undefined) continue;
      if (!headed) {
        const header = slots.header(slot);
        out.set(header, pos);
        pos += header.length;
        headed = true;
      }
      out.set(chunk, pos);
      pos += chunk.length;
    }
  }
  return out.subarray(0, pos);
}
