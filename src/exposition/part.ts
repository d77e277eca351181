import type { Family, Sample } from '../collect/families.js';
import type { FamilyTable } from './family-table.js';
import { formatValue, linePrefix } from './format.js';
import { reusableMemory, type ReadGuard } from './memory.js';

/**
 * A node's rendered samples from one source (an SPS endpoint, or the node's poll status), in one
 * allocation: a table of where each family's text ends (Uint32) and which family it is (its slot,
 * Uint16, ascending), then the text, family after family. No view of it is kept, not even a Buffer
 * of the whole: every object a poll leaves behind is copied and promoted by the garbage collector,
 * and a scrape makes its own short-lived views.
 * The memory may be larger than the part: room for the next poll's text.
 */
export interface RenderedPart {
  /** Starts with the table; may be larger than the part. */
  readonly memory: ArrayBuffer;
  /** The part's size: table and text. */
  readonly bytes: number;
  /** How many families the part holds: the table is 6 bytes per family. */
  readonly families: number;
}

const TABLE_BYTES_PER_FAMILY = 6;

/** A part's table, and where its text starts in its memory and how long it is. */
export function partTable(part: RenderedPart): {
  ends: Uint32Array;
  slots: Uint16Array;
  textStart: number;
  textBytes: number;
} {
  const { memory, bytes, families } = part;
  const table = TABLE_BYTES_PER_FAMILY * families;
  return {
    ends: new Uint32Array(memory, 0, families),
    slots: new Uint16Array(memory, 4 * families, families),
    textStart: table,
    textBytes: bytes - table,
  };
}

/** What a patch changes, in text order: the sample and its new value's text. One per Exposition, reused from patch to patch. */
export class PatchScratch {
  samples = new Uint32Array(64);
  readonly texts: string[] = [];

  set(change: number, sample: number, text: string): void {
    if (change === this.samples.length) {
      const grown = new Uint32Array(2 * change);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[change] = sample;
    this.texts[change] = text;
  }
}

/** What the renderers of one Exposition share. */
export interface RenderContext {
  readonly table: FamilyTable;
  /** Guards the memory of every rendered part: while a reader is open, none is rewritten in place. */
  readonly guard: ReadGuard;
  readonly scratch: PatchScratch;
}

/**
 * Renders one source's samples poll after poll, each time into one RenderedPart, with the node's
 * own labels (already formatted, e.g. `node="sps1"`) in front of each series' own.
 *
 * A poll that brings the same series as the last one (the same families and label sets in the
 * same order, as a node's polls nearly always do) is a patch: only the values that changed are
 * formatted and written, and the text between them moves where a value's length changed. The
 * label text is never formatted again, nothing is allocated but the new values' strings, and the
 * part keeps its memory. Any other poll renders the whole part.
 *
 * The part it replaces is rewritten in place only while no reader is open (see RenderContext);
 * otherwise the text goes to new memory. Either way the caller must stop serving the replaced
 * part before it yields to the event loop.
 */
export class PartRenderer {
  readonly #context: RenderContext;
  readonly #nodeLabels: string;
  #part: RenderedPart | undefined;
  /** The series of the last render, in sample order: what the next poll's samples are compared with. */
  #families: Family[] = [];
  /** Every sample's label names and values, in order, one after the other (no object per sample to keep). */
  #labels: string[] = [];
  /** Per sample: the value last written. */
  #values = new Float64Array(0);
  /**
   * Per sample, in four runs of `#families.length`: the sample indices in text order (by family
   * slot, then sample order); where each sample's value text starts (from the start of the text);
   * that text's length; and where its labels end in `#labels`. Then, per family in the part's
   * table, the index of its last sample.
   */
  #layout = new Uint32Array(0);

  constructor(context: RenderContext, nodeLabels: string) {
    this.#context = context;
    this.#nodeLabels = nodeLabels;
  }

  get part(): RenderedPart | undefined {
    return this.#part;
  }

  render(samples: readonly Sample[]): RenderedPart {
    const last = this.#part;
    // The same series as last time all have slots (slots are never given back), so only a whole
    // render leaves out the samples of families the table has no room for.
    if (last && this.#sameSeries(samples)) return (this.#part = this.#patch(last, samples));
    const table = this.#context.table;
    const slotted = samples.every((sample) => table.slot(sample.family) !== undefined)
      ? samples
      : samples.filter((sample) => table.slot(sample.family) !== undefined);
    return (this.#part = this.#renderWhole(slotted, last));
  }

  #sameSeries(samples: readonly Sample[]): boolean {
    const n = samples.length;
    if (n !== this.#families.length) return false;
    const known = this.#labels;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const { family, labels } = samples[i]!;
      if (family.name !== this.#families[i]!.name) return false;
      // In order: the same names in another order are another text.
      for (const name in labels) {
        if (known[at] !== name || known[at + 1] !== labels[name]) return false;
        at += 2;
      }
      if (at !== this.#layout[3 * n + i]) return false;
    }
    return true;
  }

  #renderWhole(samples: readonly Sample[], replaces: RenderedPart | undefined): RenderedPart {
    const { table: familyTable, guard } = this.#context;
    const n = samples.length;
    const slotOf = samples.map(({ family }) => familyTable.slot(family)!);
    const slotCount = familyTable.size;
    // Text order: a counting sort by slot, stable, so a family's samples keep their order.
    const first = new Uint32Array(slotCount + 1);
    for (const slot of slotOf) first[slot + 1]!++;
    let families = 0;
    for (let slot = 0; slot < slotCount; slot++) {
      if (first[slot + 1]! > 0) families++;
      first[slot + 1]! += first[slot]!;
    }
    const values = (this.#values = new Float64Array(n));
    const layout = (this.#layout = new Uint32Array(4 * n + families));
    for (let i = 0; i < n; i++) layout[first[slotOf[i]!]!++] = i;
    const order = layout.subarray(0, n);
    const prefixes: string[] = [];
    const written: string[] = [];
    let text = '';
    for (let k = 0; k < n; k++) {
      const { family, labels, value } = samples[order[k]!]!;
      const prefix = linePrefix(family, this.#nodeLabels, labels);
      const valueText = formatValue(value);
      prefixes.push(prefix);
      written.push(valueText);
      text += `${prefix}${valueText}\n`;
    }
    const textBytes = Buffer.byteLength(text);
    const ascii = textBytes === text.length; // then string lengths are byte lengths, as they nearly always are
    const tableBytes = TABLE_BYTES_PER_FAMILY * families;
    const bytes = tableBytes + textBytes;
    const part: RenderedPart = {
      memory: reusableMemory({ bytes, replaced: replaces?.memory, guard }),
      bytes,
      families,
    };
    Buffer.from(part.memory).write(text, tableBytes);
    const { ends, slots: held } = partTable(part);
    let at = 0;
    let f = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      at += ascii ? prefixes[k]!.length : Buffer.byteLength(prefixes[k]!);
      layout[n + i] = at;
      layout[2 * n + i] = written[k]!.length;
      values[i] = samples[i]!.value;
      at += written[k]!.length + 1;
      if (k === n - 1 || slotOf[order[k + 1]!] !== slotOf[i]) {
        layout[4 * n + f] = i;
        ends[f] = at;
        held[f++] = slotOf[i]!;
      }
    }
    this.#families = samples.map((sample) => sample.family);
    const known: string[] = (this.#labels = []);
    for (let i = 0; i < n; i++) {
      const { labels } = samples[i]!;
      for (const name in labels) known.push(name, labels[name]!);
      layout[3 * n + i] = known.length;
    }
    return part;
  }

  /** Writes the values that changed into `last`'s text (or a copy of it, while a reader is open). */
  #patch(last: RenderedPart, samples: readonly Sample[]): RenderedPart {
    const { guard, scratch } = this.#context;
    const n = samples.length;
    const values = this.#values;
    const layout = this.#layout;
    const written = (i: number) => layout[2 * n + i]!;
    let changes = 0;
    let growth = 0;
    for (let k = 0; k < n; k++) {
      const i = layout[k]!;
      const value = samples[i]!.value;
      const before = values[i]!;
      if (value === before || (value !== value && before !== before)) continue; // NaN is NaN here
      const text = formatValue(value);
      values[i] = value;
      scratch.set(changes++, i, text);
      growth += text.length - written(i);
    }
    if (changes === 0) return last;

    const tableBytes = TABLE_BYTES_PER_FAMILY * last.families;
    const oldBytes = last.bytes;
    const bytes = oldBytes + growth;
    let memory = last.memory;
    if (guard.held || memory.byteLength < bytes) {
      const copy = reusableMemory({ bytes: Math.max(bytes, oldBytes), replaced: undefined, guard });
      new Uint8Array(copy).set(new Uint8Array(memory, 0, oldBytes));
      memory = copy;
    }
    const out = new Uint8Array(memory);
    const changed = scratch.samples;
    const texts = scratch.texts;
    // The text after changed value c, up to the next changed value (or the end of the text), moves
    // by the growth of the values up to c. Runs that move left are moved first to last, runs that
    // move right last to first, so no run is overwritten before it has moved; then the new values
    // go into the gaps. Positions in `layout` are still the old ones while runs move.
    const moveRunAfter = (c: number, shift: number) => {
      const i = changed[c]!;
      const start = tableBytes + layout[n + i]! + written(i);
      const end = c + 1 < changes ? tableBytes + layout[n + changed[c + 1]!]! : oldBytes;
      out.copyWithin(start + shift, start, end);
    };
    let shift = 0;
    for (let c = 0; c < changes; c++) {
      shift += texts[c]!.length - written(changed[c]!);
      if (shift < 0) moveRunAfter(c, shift);
    }
    for (let c = changes - 1; c >= 0; c--) {
      if (shift > 0) moveRunAfter(c, shift);
      shift -= texts[c]!.length - written(changed[c]!);
    }
    // Every value from a changed one on has moved by the growth before it.
    let c = 0;
    for (let k = 0; k < n; k++) {
      const i = layout[k]!;
      layout[n + i]! += shift;
      if (c < changes && changed[c] === i) {
        const text = texts[c++]!;
        const at = tableBytes + layout[n + i]!;
        for (let j = 0; j < text.length; j++) out[at + j] = text.charCodeAt(j);
        shift += text.length - written(i);
        layout[2 * n + i] = text.length;
      }
    }
    const part: RenderedPart = { memory, bytes, families: last.families };
    const { ends } = partTable(part);
    for (let f = 0; f < part.families; f++) {
      const i = layout[4 * n + f]!;
      ends[f] = layout[n + i]! + written(i) + 1;
    }
    return part;
  }
}
