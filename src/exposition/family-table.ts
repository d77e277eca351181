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
 * the slot. Two families of one name that differ in type or help are a programming error, thrown
 * as prom-client's registry throws for a name registered twice: one would silently describe the
 * other's samples.
 */
export class FamilyTable {
  readonly #slots = new Map<string, { slot: number; family: Family }>();
  readonly #headers: Buffer[] = [];

  /** The family's slot; undefined for a new family once MAX_FAMILIES are held. */
  slot(family: Family): number | undefined {
    const known = this.#slots.get(family.name);
    if (known !== undefined) {
      if (known.family !== family && (known.family.type !== family.type || known.family.help !== family.help)) {
        throw new Error(`two metric families are named ${family.name}, with different types or help texts`);
      }
      return known.slot;
    }
    if (this.#headers.length >= MAX_FAMILIES) return undefined;
    const slot = this.#headers.length;
    this.#slots.set(family.name, { slot, family });
    this.#headers.push(Buffer.from(familyHeader(family)));
    return slot;
  }

  header(slot: number): Buffer {
    return this.#headers[slot]!;
  }

  get size(): number {
    return this.#headers.length;
  }
}
