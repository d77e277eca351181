import { describe, expect, it } from 'vitest';
import { ReadGuard, reusableMemory } from '../../src/exposition/memory.js';

describe('ReadGuard', () => {
  it("is held while any reader holds it; a reader's release frees only its own hold, however often it is called", () => {
    const guard = new ReadGuard();
    expect(guard.held).toBe(false);
    const first = guard.acquire();
    const second = guard.acquire();
    first();
    first(); // a second release by the same reader must not free the other's hold
    expect(guard.held).toBe(true);
    second();
    expect(guard.held).toBe(false);
  });

  it('memory a reader holds is never handed out for rewriting in place', () => {
    const guard = new ReadGuard();
    const memory = new ArrayBuffer(1024);
    expect(reusableMemory({ bytes: 1000, replaced: memory, guard })).toBe(memory);
    const release = guard.acquire();
    expect(reusableMemory({ bytes: 1000, replaced: memory, guard })).not.toBe(memory);
    release();
    expect(reusableMemory({ bytes: 1000, replaced: memory, guard })).toBe(memory);
  });
});
