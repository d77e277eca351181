import type { Response } from 'express';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { TEXT_CONTENT_TYPE } from '../exposition/format.js';
import { BAND_BYTES, type ExpositionReader } from '../exposition/reader.js';

/** A band of several families fits in a block whole, so the reader assembles it there: one copy of each text. */
const BLOCK_BYTES = BAND_BYTES;
/** Blocks queued on a socket at once (2 MB), so the socket never waits for us to refill. */
export const WINDOW_BLOCKS = 2;

/**
 * Blocks reused from scrape to scrape, so a scrape allocates nothing large. A block goes back only
 * after its last write completed; scrapes running at once each take their own.
 */
export class BlockPool {
  readonly #free: Buffer[] = [];
  constructor(
    readonly blockBytes = BLOCK_BYTES,
    private readonly keep = 2 * WINDOW_BLOCKS,
  ) {}

  acquire(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.blockBytes);
  }

  release(block: Buffer): void {
    if (this.#free.length < this.keep) this.#free.push(block);
  }
}

/**
 * Resolves true once `out` (the response, or the gzip stream in front of it) took `chunk`; false
 * if the client went away first, or took longer than `timeoutMs`, when its connection is closed:
 * a client that stops reading must not hold the scrape's memory for ever.
 */
function write(res: Response, out: Writable, chunk: Buffer, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(false);
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => res.destroy(), timeoutMs);
    res.once('close', gone);
    out.write(chunk, (error) => {
      clearTimeout(timer);
      res.off('close', gone);
      resolve(!error);
    });
  });
}

export interface SendOptions {
  pool: BlockPool;
  /** Compress (the client asked for gzip). */
  gzip: boolean;
  /** See write. */
  writeTimeoutMs: number;
}

/**
 * gzip for a client that asks for it, as Prometheus does: a text exposition, repetitive by nature, compresses well.
 * Level 1, and zlib runs on libuv's threadpool, so the event loop only moves blocks. A HEAD answer
 * keeps its content-length, which only the uncompressed body has.
 */
function compress(res: Response, gzip: boolean): Writable {
  if (!gzip || res.req.method === 'HEAD') return res;
  res.set('content-encoding', 'gzip');
  const zip = createGzip({ level: constants.Z_BEST_SPEED });
  pipeline(zip, res, () => {}); // a client that goes away destroys zip: its pending writes fail, the scrape ends
  return zip;
}

/**
 * Sends an exposition, then `tail`, block by block with a content-length (or gzipped, see
 * compress): the exposition is never held whole. Up to WINDOW_BLOCKS blocks are queued on the
 * socket at once, so it always has the next one when the client reads; a block is refilled only
 * after its write completed. The reader is closed when this returns, also when the client went
 * away or `tail` was rejected.
 */
export async function sendExposition(
  res: Response,
  reader: ExpositionReader,
  tail: Buffer | Promise<Buffer>,
  options: SendOptions,
): Promise<void> {
  try {
    await send(res, reader, await tail, options);
  } finally {
    reader.close();
  }
}

async function send(
  res: Response,
  reader: ExpositionReader,
  tail: Buffer,
  { pool, gzip, writeTimeoutMs }: SendOptions,
): Promise<void> {
  res.status(200).set({ 'content-type': TEXT_CONTENT_TYPE, vary: 'Accept-Encoding' });
  const out = compress(res, gzip);
  if (out === res) res.set('content-length', String(reader.size + tail.length));
  const queued: { block: Buffer; written: Promise<boolean> }[] = [];
  for (;;) {
    let block: Buffer;
    if (queued.length < WINDOW_BLOCKS) block = pool.acquire();
    else {
      const oldest = queued.shift()!;
      // A block whose write did not complete is left to the garbage collector, never reused.
      if (!(await oldest.written)) return;
      block = oldest.block;
    }
    const bytes = reader.read(block, false);
    if (bytes === 0) {
      pool.release(block);
      break;
    }
    queued.push({ block, written: write(res, out, block.subarray(0, bytes), writeTimeoutMs) });
  }
  for (const { block, written } of queued) if (await written) pool.release(block);
  out.end(tail);
}
