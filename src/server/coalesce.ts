import { setTimeout as delay } from 'node:timers/promises';

const ignore = () => undefined;

/**
 * Wraps an async task so that calls never pile up. A call starts a run `settleMs` after it (once
 * any run under way has ended); calls made before that run begins join it. So ten calls at once
 * cost one run, each caller is answered by a run that began after it asked, and between two runs
 * the event loop is free for at least `settleMs` (requests arriving one by one while a run blocked
 * it are read in that time, and join the next run instead of starting one each).
 */
export function coalesced<T>(task: () => Promise<T>, settleMs = 0): () => Promise<T> {
  let waiting: Promise<T> | undefined;
  let running: Promise<T> | undefined;
  return () => {
    if (waiting) return waiting;
    const before = running ?? Promise.resolve(undefined);
    const run = before
      .then(ignore, ignore)
      .then(() => delay(settleMs))
      .then(() => {
        waiting = undefined;
        const current = task();
        running = current;
        current.then(ignore, ignore).finally(() => {
          if (running === current) running = undefined;
        });
        return current;
      });
    waiting = run;
    return run;
  };
}
