/**
 * Counts the open readers of some memory: while any is open, that memory is not rewritten in
 * place. A node's rendered parts have one guard, a fleet's merged groups another, so a scrape
 * reading merged copies never stops polls from rewriting their parts in place.
 * A reader acquires it and gets the one function that releases it; a second call of that function
 * releases nothing, so no reader can release another's hold.
 */
export class ReadGuard {
  #readers = 0;

  /** Whether a reader holds the memory: then it must not be rewritten in place. */
  get held(): boolean {
    return this.#readers > 0;
  }

  /** Holds the memory for one reader; returns its release (idempotent). */
  acquire(): () => void {
    this.#readers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#readers--;
    };
  }
}

/**
 * Memory for `bytes`: `replaced` when it fits without wasting much and no reader guarded by
 * `guard` is open, so that a poll rewrites its node's bytes in place and allocates nothing; else
 * new memory with room to grow. A new buffer per poll would be external memory that only the
 * garbage collector frees, after its wrapper was promoted (see docs/performance.md).
 */
export function reusableMemory({
  bytes,
  replaced,
  guard,
}: {
  bytes: number;
  replaced: ArrayBuffer | undefined;
  guard: ReadGuard;
}): ArrayBuffer {
  if (replaced && !guard.held && replaced.byteLength >= bytes && replaced.byteLength <= 2 * bytes + 4096)
    return replaced;
  // Its own allocation (byteOffset 0, so a Uint32 table at its start is aligned), not a slice of a
  // shared pool slab that a small buffer would keep alive.
  return Buffer.allocUnsafeSlow(bytes + (bytes >> 5) + 64).buffer;
}
