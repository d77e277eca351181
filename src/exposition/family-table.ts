import type { Family } from '../collect/families.js';
import { familyHeader } from './format.js';

/**
 * Families one exposition holds at most. Nodes name open-ended families (a memory field each), and
 * a slot is never given back; past this, samples of new families are not rendered.
 */
export const MAX_FAMILIES = 4096;

/**
 * Gives every family a fixed slot, in the order families are first seen, and keeps its header.
 * A node's rendered text is stored as per-family ranges tagged with their slot, so a whole
 * fleet's exposition is a walk over slots, not a re-serialization. Families are told apart by
 * name: a family made anew for the same name (an open-ended one, such as a memory field) shares
 * the slot.
 */
export class FamilyTable {
  readonly #slots = new Map<string, number>();
  readonly #headers: Buffer[] = [];

  /** The family's slot; undefined for a new family once MAX_FAMILIES are held. */
  slot(family: Family): number | undefined {
    let slot = this.#slots.get(family.name);
    if (slot === undefined) {
      if (this.#headers.length >= MAX_FAMILIES) return undefined;
      slot = this.#headers.length;
      this.#slots.set(family.name, slot);
      this.#headers.push(Buffer.from(familyHeader(family)));
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
