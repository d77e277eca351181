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

/** A node's samples as text, one chunk per family slot (sparse). */
export type Chunks = (string | undefined)[];
/** The same, encoded once so that a scrape only copies bytes. */
export interface EncodedChunks {
  readonly slots: readonly (Buffer | undefined)[];
  readonly bytes: number;
}

/** Renders samples with the node's own labels (already formatted, e.g. `node="sps1"`) in front. */
export function renderSamples(samples: readonly Sample[], nodeLabels: string): Chunks {
  const lines: string[][] = [];
  for (const { family, labels, value } of samples) {
    const slot = slots.slot(family);
    const own = labels ? formatLabels(labels) : '';
    (lines[slot] ??= []).push(`${family.name}{${nodeLabels}${own && nodeLabels ? ',' : ''}${own}} ${formatValue(value)}\n`);
  }
  return lines.map((group) => group.join(''));
}

/**
 * One node's parts (status, health, dashboard, ...) encoded into a single buffer, with a view
 * per family slot: one allocation per poll, and no pool slabs kept alive by small slices.
 */
export function encodeChunks(parts: readonly Chunks[]): EncodedChunks {
  const size = Math.max(...parts.map((part) => part.length));
  const texts: (string | undefined)[] = [];
  let whole = '';
  for (let slot = 0; slot < size; slot++) {
    let text = '';
    for (const part of parts) text += part[slot] ?? '';
    if (text) {
      texts[slot] = text;
      whole += text;
    }
  }
  const buffer = Buffer.from(whole);
  const ascii = buffer.length === whole.length; // then string offsets are byte offsets
  const views: (Buffer | undefined)[] = [];
  let offset = 0;
  for (let slot = 0; slot < texts.length; slot++) {
    const text = texts[slot];
    if (text === undefined) continue;
    const bytes = ascii ? text.length : Buffer.byteLength(text);
    views[slot] = buffer.subarray(offset, offset + bytes);
    offset += bytes;
  }
  return { slots: views, bytes: buffer.length };
}

/**
 * Output buffers reused from scrape to scrape. A fleet's exposition is ~12 MB at 1000 nodes;
 * allocating that afresh every scrape makes V8 collect garbage for the external memory, which
 * costs more than the rendering itself. A buffer goes back to the pool only once its response
 * has been written, so concurrent scrapes never share one.
 */
export class OutputBuffers {
  readonly #free: Buffer[] = [];
  constructor(private readonly keep = 2) {}

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
