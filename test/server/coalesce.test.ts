import { describe, expect, it } from 'vitest';
import { coalesced } from '../../src/server/coalesce.js';

/** A task whose runs the test ends one by one. */
function controlled() {
  const started: number[] = [];
  const ends: (() => void)[] = [];
  const task = async () => {
    const n = started.push(Date.now());
    await new Promise<void>((resolve) => ends.push(resolve));
    return n;
  };
  return { task, started, end: () => ends.shift()!() };
}
const turn = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('coalesced', () => {
  it('one run for calls made together; one more for all the calls made while it ran, each answered by a run that began after it asked', async () => {
    const { task, started, end } = controlled();
    const run = coalesced(task, 10);
    const first = [run(), run(), run()];
    await turn();
    expect(started).toHaveLength(1);
    const waiting = Array.from({ length: 9 }, () => run());
    await turn();
    expect(started).toHaveLength(1);
    end();
    expect(await Promise.all(first)).toEqual([1, 1, 1]);
    await turn();
    expect(started).toHaveLength(2);
    end();
    expect(await Promise.all(waiting)).toEqual(Array(9).fill(2));
    const later = run();
    await turn();
    end();
    expect(await later).toBe(3);
  });

  it('a failed run does not stop the next one', async () => {
    let calls = 0;
    const run = coalesced(async () => {
      calls++;
      await turn(10);
      if (calls === 1) throw new Error('bad');
      return calls;
    });
    const a = run();
    await turn(5); // a's run has begun
    const b = run();
    await expect(a).rejects.toThrow('bad');
    expect(await b).toBe(2);
  });
});
