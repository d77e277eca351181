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

  slot(family: Family): number {
    let slot = this.#slots.get(family);
    if (slot === undefined) {
      slot = this.#headers.length;
      this.#slots.set(family, slot);
      this.#headers.push(Buffer.from(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`));
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
export type EncodedChunks = (Buffer | undefined)[];

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

/** One node's parts (status, health, dashboard, ...) as one encoded chunk array. */
export function encodeChunks(parts: readonly Chunks[]): EncodedChunks {
  const encoded: EncodedChunks = [];
  const size = Math.max(...parts.map((part) => part.length));
  for (let slot = 0; slot < size; slot++) {
    let text = '';
    for (const part of parts) text += part[slot] ?? '';
    if (text) encoded[slot] = Buffer.from(text);
  }
  return encoded;
}

/** The text exposition of many nodes: each family's HELP and TYPE once, its samples together. */
export function renderExposition(nodes: readonly EncodedChunks[]): Buffer {
  const out: Buffer[] = [];
  let length = 0;
  for (let slot = 0; slot < slots.size; slot++) {
    let headed = false;
    for (const chunks of nodes) {
      const chunk = chunks[slot];
      if (chunk === undefined) continue;
      if (!headed) {
        out.push(slots.header(slot));
        length += slots.header(slot).length;
        headed = true;
      }
      out.push(chunk);
      length += chunk.length;
    }
  }
  return Buffer.concat(out, length);
}
