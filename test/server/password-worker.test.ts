import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';

const WORKER = new URL('../../src/server/password-worker.js', import.meta.url);

describe('the password check worker', () => {
  it('answers each message with its id and whether the password matches the hash', async () => {
    const worker = new Worker(WORKER);
    try {
      const hash = bcrypt.hashSync('right', 4);
      const answers: unknown[] = [];
      worker.on('message', (answer) => answers.push(answer));
      worker.postMessage({ id: 7, password: 'right', hash });
      worker.postMessage({ id: 8, password: 'wrong', hash });
      await expect.poll(() => answers).toHaveLength(2);
      expect(answers).toEqual([
        { id: 7, ok: true },
        { id: 8, ok: false },
      ]);
    } finally {
      await worker.terminate();
    }
  });

  it('refuses to run on the main thread', async () => {
    await expect(import('../../src/server/password-worker.js')).rejects.toThrow('runs as a worker thread only');
  });

  it('answers false for a hash that is not bcrypt, without dying', async () => {
    const worker = new Worker(WORKER);
    try {
      worker.postMessage({ id: 1, password: 'x', hash: 'not-a-hash' });
      const [answer] = (await once(worker, 'message')) as [unknown];
      expect(answer).toEqual({ id: 1, ok: false });
    } finally {
      await worker.terminate();
    }
  });
});
