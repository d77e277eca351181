import express from 'express';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Family } from '../../src/collect/families.js';
import { viewOf } from '../../src/exposition/node-view.js';
import { PartRenderer } from '../../src/exposition/part.js';
import { readerOf, renderContext, renderWhole } from '../helpers/exposition.js';
import { BlockPool, sendExposition, WINDOW_BLOCKS } from '../../src/server/stream.js';
import { serve } from '../helpers/http.js';

const family: Family = { name: 'test_stream_value', help: 'Streamed.', type: 'gauge' };
const context = renderContext();
const renderSamples = (samples: Parameters<typeof renderWhole>[1], nodeLabels: string) =>
  renderWhole(context, samples, nodeLabels);
const renderExposition = (all: typeof parts) => readerOf(context, [viewOf(all)]).toBuffer();
/** Whether no reader of the parts is open: then a poll rewrites its part in place. */
function partsRewrittenInPlace(): boolean {
  const renderer = new PartRenderer(context, 'node="x"');
  const mine = renderer.render([{ family, value: 1 }]);
  return renderer.render([{ family, value: 2 }]).memory === mine.memory;
}
// ~2 MB over 2000 parts: many 4 KiB blocks, with lines cut across block edges.
const parts = Array.from({ length: 2000 }, (_, n) =>
  renderSamples(
    Array.from({ length: 20 }, (_, i) => ({ family, labels: { i: String(i), pad: 'x'.repeat(n % 37) }, value: n * i })),
    `node="n${n}"`,
  ),
);
const tail = Buffer.from('# tail\n');
const pool = new BlockPool(4096, 1);
const taken: Buffer[] = [];
const acquire = pool.acquire.bind(pool);
pool.acquire = () => {
  const block = acquire();
  taken.push(block);
  return block;
};
let server: Awaited<ReturnType<typeof serve>>;
let bigDone = false;
let bigEnded = false;

beforeAll(async () => {
  const app = express();
  app.get('/metrics', async (req, res) => {
    const gzip = req.query.gzip !== undefined;
    if (req.query.big === undefined)
      return sendExposition(res, readerOf(context, [viewOf(parts)]), tail, { pool, gzip, writeTimeoutMs: 30_000 });
    const copies = Number(req.query.copies) || 8;
    await sendExposition(
      res,
      readerOf(
        context,
        Array.from({ length: copies }, () => viewOf(parts)),
      ),
      tail,
      { pool, gzip, writeTimeoutMs: 30_000 },
    );
    bigDone = res.writableFinished;
    bigEnded = true;
  });
  server = await serve(app);
});
afterAll(() => server.close());

describe('streamed exposition', () => {
  it('sends the whole exposition block by block with an exact content-length', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(Buffer.concat([renderExposition(parts), tail]))).toBe(true);
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(res.headers.get('transfer-encoding')).toBeNull();
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(renderExposition(parts).length + tail.length);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('lets a client that stops reading hold only its own blocks: other scrapes go on, and its scrape ends when it goes away', async () => {
    taken.length = 0;
    const { port } = new URL(server.url);
    // Eight times the parts: ~16 MB, more than loopback socket buffers take from a client that reads nothing.
    const stalled = connect(Number(port), '127.0.0.1', () =>
      stalled.write('GET /metrics?big=1 HTTP/1.1\r\nhost: x\r\n\r\n'),
    );
    stalled.pause();
    await until(() => taken.length === WINDOW_BLOCKS);
    await quiet();
    expect(taken.length).toBe(WINDOW_BLOCKS); // its window is full: it takes no more while it does not read
    const held = taken.splice(0);
    const res = await fetch(`${server.url}/metrics`);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.concat([renderExposition(parts), tail]))).toBe(true);
    expect(taken.length).toBeGreaterThan(0);
    expect(taken.some((block) => held.includes(block))).toBe(false);
    expect(bigDone).toBe(false);
    stalled.destroy();
    await until(() => bigEnded);
    expect(bigDone).toBe(false);
    const again = await fetch(`${server.url}/metrics`);
    expect((await again.arrayBuffer()).byteLength).toBe(Number(again.headers.get('content-length')));
    expect(taken.some((block) => held.includes(block))).toBe(false); // the stalled scrape's blocks never went back to the pool
    // Every scrape here closed its reader, the abandoned one too: a part is rewritten in place again.
    expect(partsRewrittenInPlace()).toBe(true);
  });

  it('gzips for a client that asks, the same exposition without a content-length; HEAD keeps the length', async () => {
    const res = await fetch(`${server.url}/metrics?gzip`); // fetch asks for gzip and inflates the body
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.concat([renderExposition(parts), tail]))).toBe(true);
    const head = await fetch(`${server.url}/metrics?gzip`, { method: 'HEAD' });
    expect(head.headers.get('content-encoding')).toBeNull();
    expect(Number(head.headers.get('content-length'))).toBe(renderExposition(parts).length + tail.length);
  });

  it('ends a gzipped scrape whose client stops reading and goes away, closing its reader', async () => {
    bigEnded = false;
    taken.length = 0;
    const { port } = new URL(server.url);
    const stalled = connect(Number(port), '127.0.0.1', () =>
      stalled.write('GET /metrics?big=1&copies=64&gzip=1 HTTP/1.1\r\nhost: x\r\n\r\n'),
    ); // ~22 MB gzipped
    stalled.pause();
    await until(() => taken.length === WINDOW_BLOCKS);
    await quiet();
    expect(taken.length).toBe(WINDOW_BLOCKS);
    expect(bigEnded).toBe(false);
    stalled.destroy();
    await until(() => bigEnded);
    expect(bigDone).toBe(false);
    expect(partsRewrittenInPlace()).toBe(true);
  });

  it('closes the reader when the tail is rejected, before anything is sent', async () => {
    const reader = readerOf(context, [viewOf(parts)]);
    const res = { status: () => expect.unreachable('nothing may be sent') } as unknown as Parameters<
      typeof sendExposition
    >[0];
    await expect(
      sendExposition(res, reader, Promise.reject(new Error('self metrics failed')), {
        pool,
        gzip: false,
        writeTimeoutMs: 30_000,
      }),
    ).rejects.toThrow('self metrics failed');
    expect(reader.read(Buffer.alloc(16))).toBe(0);
    expect(partsRewrittenInPlace()).toBe(true);
  });
});

async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 5_000, interval: 10 });
}

/** A negative check's window: a stalled client takes no further block, and its scrape does not end, within it. */
const QUIET_MS = 200;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));
