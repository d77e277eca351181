import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Verifications queued at most, beyond the one running; past that, a caller is turned away (busy). */
export const MAX_PENDING_CHECKS = 16;
/** Credentials remembered after they passed, as digests; the set starts over when it is full. */
const MAX_REMEMBERED = 1000;

/**
 * The worker module: bcryptjs's compareSync on a thread of its own, since a check (cost 10) takes
 * enough CPU to delay every poll and scrape queued behind it on the event loop.
 */
const WORKER_MODULE = new URL('./password-worker.js', import.meta.url);

export type CheckResult = 'ok' | 'wrong' | 'busy';

interface Pending {
  resolve(ok: boolean): void;
  reject(error: Error): void;
}

/**
 * Checks passwords against bcrypt hashes off the event loop, as exporter-toolkit does: credentials
 * that passed are remembered (a digest of user, password and hash, never the password) so a
 * scraper's next visits cost a hash, not a bcrypt; at most one check runs at a time, on a worker
 * thread, and at most MAX_PENDING_CHECKS wait, so a flood of wrong passwords costs at most one core
 * and is turned away beyond that (`busy`), never slowing polls or health checks.
 */
export class PasswordCheck {
  readonly #remembered = new Set<string>();
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 0;

  async check(user: string, password: string, hash: string): Promise<CheckResult> {
    const key = createHash('sha256').update(`${user}\0${password}\0${hash}`).digest('hex');
    if (this.#remembered.has(key)) return 'ok';
    if (this.#pending.size > MAX_PENDING_CHECKS) return 'busy';
    if (!(await this.#compare(password, hash))) return 'wrong';
    if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.clear();
    this.#remembered.add(key);
    return 'ok';
  }

  /** Stops the worker; checks still pending fail. */
  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }

  #compare(password: string, hash: string): Promise<boolean> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#thread().postMessage({ id, password, hash });
    });
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_MODULE);
    worker.unref(); // never what keeps the process alive
    worker.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
      this.#pending.get(id)?.resolve(ok);
      this.#pending.delete(id);
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('password check worker exited')));
    return (this.#worker = worker);
  }
}
