import type { FamilyTable } from './family-table.js';
import type { ReadGuard } from './memory.js';
import { ROW, type NodeView } from './node-view.js';

/**
 * Families are assembled a band at a time: consecutive families worth up to this many bytes of
 * output (or one family, if it alone is larger). Within a band the rows are copied node by node, so
 * each node's texts of those families, adjacent in its memory, are read in one sweep; family by
 * family, every row is a cache miss of its own, and in a large fleet those misses are most of a scrape's time.
 * A block of this size (see sendExposition) takes any band of several families whole.
 */
export const BAND_BYTES = 1 << 20;

/**
 * A band buffer reused from scrape to scrape, for a reader whose caller wants every block filled
 * (toBuffer, tests) and a band of several families that does not fit in what is left of the block:
 * a fresh one per scrape costs page faults and, as external memory, pushes V8 into extra full
 * collections. A reader holds it until it is read to the end or closed (scrapes at the same time
 * take their own). The larger of two is kept, so the spare fits the fleet's bands.
 */
export class BandPool {
  #spare: Buffer | undefined;

  take(bytes: number): Buffer {
    const band =
      this.#spare && this.#spare.length >= bytes ? this.#spare : Buffer.allocUnsafeSlow(Math.max(bytes, BAND_BYTES));
    if (band === this.#spare) this.#spare = undefined;
    return band;
  }

  give(band: Buffer): void {
    if (!this.#spare || band.length > this.#spare.length) this.#spare = band;
  }
}

/** What a reader reads: nodes' (or merged groups') views, the families they name, and the guards of the memory they point into. */
export interface ReaderSource {
  views: readonly NodeView[];
  table: FamilyTable;
  /** The guards of the memory `views` point into (the parts', and the fleet's for merged groups). */
  guards: readonly ReadGuard[];
  bands: BandPool;
  /** See BAND_BYTES. */
  bandBytes?: number;
}

/**
 * Reads the text exposition of many nodes' served parts (in node order) out in blocks: each
 * family's HELP and TYPE once, its samples together. The size is known up front, so a response can
 * carry a content-length without the exposition ever being held whole, and
 * the texts are copied once, from the parts into the caller's blocks (see read).
 * A consistent snapshot however long its client reads: while a reader is open, the memory it reads
 * (its guards': the parts', a fleet's merged groups', or both) is not rewritten in place. It closes when
 * read to the end or turned into one buffer (toBuffer); a reader given up before that must be
 * closed, or every later write to that memory allocates.
 */
export class ExpositionReader {
  readonly size: number;
  /** The memory rows point into: every node's parts'. */
  readonly #memory: ArrayBuffer[] = [];
  /** Every family text of every node, grouped by band, node by node within a band: which memory, offset, length, and where it goes in its band. */
  readonly #sources: Uint32Array;
  readonly #offsets: Uint32Array;
  readonly #lengths: Uint32Array;
  readonly #targets: Uint32Array;
  /** Per band: its first row, its first slot, and its size; one more entry closes the last band. */
  readonly #bandRows: number[] = [];
  readonly #bandSlots: number[] = [];
  readonly #bandBytes: number[] = [];
  /** Slots with texts, ascending, and where each one's header goes in its band. */
  readonly #slots: number[] = [];
  readonly #headerAt: number[] = [];
  #band = -1;
  #assembled: Buffer | undefined;
  #done = 0; // bytes of the current band already read
  #row = 0; // the next row of a one-family band read straight from the parts
  #open = true;
  /** The releases of the guards this reader holds, called once when it closes. */
  readonly #releases: (() => void)[];
  readonly #table: FamilyTable;
  readonly #bands: BandPool;

  constructor({ views, table, guards, bands: bandPool, bandBytes = BAND_BYTES }: ReaderSource) {
    this.#releases = guards.map((guard) => guard.acquire());
    this.#table = table;
    this.#bands = bandPool;
    const perSlot = new Uint32Array(table.size);
    const bytesPerSlot = new Float64Array(table.size);
    for (const { rows: table } of views) {
      for (let r = 0; r < table.length; r += ROW) {
        perSlot[table[r]!]!++;
        bytesPerSlot[table[r]!]! += table[r + 3]!;
      }
    }
    // Bands of consecutive slots; where each slot's header, then its texts in node order, go in its band.
    const bandOf = new Uint32Array(table.size);
    const cursor = new Uint32Array(table.size);
    const rowsPerBand: number[] = [];
    let size = 0;
    let bandStart = 0;
    for (let slot = 0; slot < perSlot.length; slot++) {
      if (perSlot[slot] === 0) continue;
      const slotBytes = table.header(slot).length + bytesPerSlot[slot]!;
      if (this.#bandSlots.length === 0 || (size > bandStart && size - bandStart + slotBytes > bandBytes)) {
        this.#bandSlots.push(this.#slots.length);
        this.#bandBytes.push(0);
        rowsPerBand.push(0);
        bandStart = size;
      }
      const band = this.#bandSlots.length - 1;
      bandOf[slot] = band;
      rowsPerBand[band]! += perSlot[slot]!;
      this.#slots.push(slot);
      this.#headerAt.push(size - bandStart);
      size += table.header(slot).length;
      cursor[slot] = size - bandStart;
      size += bytesPerSlot[slot]!;
      this.#bandBytes[band] = size - bandStart;
    }
    this.size = size;
    const bands = this.#bandSlots.length;
    this.#bandSlots.push(this.#slots.length);
    const next = new Uint32Array(bands);
    let rows = 0;
    for (let band = 0; band < bands; band++) {
      this.#bandRows.push(rows);
      next[band] = rows;
      rows += rowsPerBand[band]!;
    }
    this.#bandRows.push(rows);
    const memory = this.#memory;
    const sources = (this.#sources = new Uint32Array(rows));
    const offsets = (this.#offsets = new Uint32Array(rows));
    const lengths = (this.#lengths = new Uint32Array(rows));
    const targets = (this.#targets = new Uint32Array(rows));
    for (const { memory: held, rows: table } of views) {
      const base = memory.length;
      for (const buffer of held) memory.push(buffer);
      for (let r = 0; r < table.length; r += ROW) {
        const slot = table[r]!;
        const row = next[bandOf[slot]!]!++;
        const length = table[r + 3]!;
        sources[row] = base + table[r + 1]!;
        offsets[row] = table[r + 2]!;
        lengths[row] = length;
        targets[row] = cursor[slot]!;
        cursor[slot]! += length;
      }
    }
  }

  /** Copies band `band`'s headers and texts into `out` from `at` on. */
  #assemble(band: number, out: Buffer, at: number): void {
    for (let i = this.#bandSlots[band]!; i < this.#bandSlots[band + 1]!; i++)
      out.set(this.#table.header(this.#slots[i]!), at + this.#headerAt[i]!);
    const memory = this.#memory;
    const sources = this.#sources;
    const offsets = this.#offsets;
    const lengths = this.#lengths;
    const targets = this.#targets;
    for (let row = this.#bandRows[band]!; row < this.#bandRows[band + 1]!; row++) {
      out.set(new Uint8Array(memory[sources[row]!]!, offsets[row], lengths[row]), at + targets[row]!);
    }
  }

  /**
   * Fills `out` from where the last read stopped; returns the bytes written, 0 once everything was
   * read (or the reader is closed). A band that fits in what is left of `out` is assembled there
   * directly; a band of one family is read straight from the parts, as far as `out` reaches. Only a
   * band of several families that does not fit goes through a band buffer, a second copy: with
   * `fill` false, the read ends before such a band instead (unless nothing was written yet), so a
   * caller whose blocks hold BAND_BYTES never copies a byte twice.
   */
  read(out: Buffer, fill = true): number {
    let pos = 0;
    while (this.#open && pos < out.length) {
      let band = this.#band;
      if (band < 0 || this.#done === this.#bandBytes[band]) {
        if (band + 1 >= this.#bandBytes.length) break;
        const bytes = this.#bandBytes[++band]!;
        if (bytes > out.length - pos && !this.#oneFamily(band) && !fill && pos > 0) break;
        this.#band = band;
        this.#done = 0;
        this.#row = this.#bandRows[band]!;
        if (bytes <= out.length - pos) {
          this.#assemble(band, out, pos);
          this.#done = bytes;
          pos += bytes;
          continue;
        }
        if (!this.#oneFamily(band)) this.#assemble(band, this.#bandBuffer(bytes), 0);
      }
      pos = this.#oneFamily(band) ? this.#stream(band, out, pos) : this.#copyAssembled(band, out, pos);
    }
    const last = this.#bandBytes.length - 1;
    if (this.#band === last && (last < 0 || this.#done === this.#bandBytes[last])) this.close();
    return pos;
  }

  #oneFamily(band: number): boolean {
    return this.#bandSlots[band + 1]! - this.#bandSlots[band]! === 1;
  }

  #bandBuffer(bytes: number): Buffer {
    if (this.#assembled && this.#assembled.length >= bytes) return this.#assembled;
    if (this.#assembled) this.#bands.give(this.#assembled);
    return (this.#assembled = this.#bands.take(bytes));
  }

  /** Copies what is left of band `band` from the band buffer into `out` from `at` on, as far as `out` reaches; returns the new position. */
  #copyAssembled(band: number, out: Buffer, at: number): number {
    const n = Math.min(this.#bandBytes[band]! - this.#done, out.length - at);
    out.set(new Uint8Array(this.#assembled!.buffer, this.#assembled!.byteOffset + this.#done, n), at);
    this.#done += n;
    return at + n;
  }

  /**
   * Copies what is left of band `band`, one family, into `out` from `at` on, as far as `out`
   * reaches: its header, then its rows, whose order is their order in the output. Returns the new position.
   */
  #stream(band: number, out: Buffer, at: number): number {
    const header = this.#table.header(this.#slots[this.#bandSlots[band]!]!);
    let pos = at;
    if (this.#done < header.length) {
      const n = Math.min(header.length - this.#done, out.length - pos);
      out.set(header.subarray(this.#done, this.#done + n), pos);
      pos += n;
      this.#done += n;
    }
    const end = this.#bandRows[band + 1]!;
    while (pos < out.length && this.#row < end) {
      const row = this.#row;
      const skip = this.#done - this.#targets[row]!;
      const n = Math.min(this.#lengths[row]! - skip, out.length - pos);
      out.set(new Uint8Array(this.#memory[this.#sources[row]!]!, this.#offsets[row]! + skip, n), pos);
      pos += n;
      this.#done += n;
      if (skip + n === this.#lengths[row]) this.#row++;
    }
    return pos;
  }

  /** The whole exposition in one buffer, each band assembled in place (no band buffer); closes the reader. */
  toBuffer(): Buffer {
    if (!this.#open) throw new Error('ExpositionReader is closed');
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (let band = 0; band < this.#bandBytes.length; band++) {
      this.#assemble(band, out, at);
      at += this.#bandBytes[band]!;
    }
    this.close();
    return out;
  }

  /** Lets polls rewrite parts in place again (once no other reader is open); later reads return 0. Idempotent. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const release of this.#releases) release();
    if (this.#assembled) this.#bands.give(this.#assembled);
    this.#assembled = undefined;
  }
}
