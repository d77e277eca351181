import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Family } from '../../src/collect/families.js';
import { viewOf } from '../../src/exposition/node-view.js';
import { readerOf, renderContext, renderWhole } from '../helpers/exposition.js';
import type { Scheduler } from '../../src/poller/scheduler.js';
import { createApp } from '../../src/server/app.js';
import { createSelfRegistry } from '../../src/server/self-metrics.js';
import { serve } from '../helpers/http.js';

const family: Family = { name: 'sps_test_value', help: 'A test family.', type: 'gauge' };
// ~24 MB of exposition: far more than the socket buffers hold, so a client that does not read stalls the scrape.
const context = renderContext();
const part = renderWhole(
  context,
  Array.from({ length: 200_000 }, (_, i) => ({ family, labels: { i: `series-${i}-${'x'.repeat(80)}` }, value: i })),
  'node="big"',
);
/** Scrapes started (each takes a reader of the fleet). */
let scrapesStarted = 0;
const scheduler = {
  nodes: [],
  fleetReader: () => {
    scrapesStarted++;
    return readerOf(context, [viewOf([part])]);
  },
  renderTarget: () => undefined,
} as unknown as Scheduler;

let server: Awaited<ReturnType<typeof serve>>;
const port = () => Number(new URL(server.url).port);
beforeAll(async () => {
  server = await serve(
    createApp({
      scheduler,
      selfRegistry: createSelfRegistry('t').registry,
      version: 't',
      reload: () => Promise.resolve(undefined),
      maxRequests: 2,
      writeTimeoutMs: 500,
      externalUrl: () => new URL('http://x:1/'),
    }),
  );
});
afterAll(() => server.close());

/** Sends GET /metrics and never reads the answer. */
function stalledScrape(): Socket {
  const socket = connect(port(), '127.0.0.1', () => socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'));
  socket.pause();
  socket.on('error', () => {});
  return socket;
}

describe('scrapes at once and slow readers', () => {
  it('answers 503 past --web.max-requests, and closes a client that stops reading after the write timeout', async () => {
    const stalled = [stalledScrape(), stalledScrape()];
    await vi.waitFor(() => expect(scrapesStarted).toBe(2), { timeout: 5_000 });
    const refused = await fetch(`${server.url}/metrics`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${server.url}/-/healthy`)).status).toBe(200); // health is not a scrape
    // The write timeout (500 ms) ends the stalled scrapes, and their places are free again.
    const started = Date.now();
    let served: Response;
    for (;;) {
      served = await fetch(`${server.url}/metrics`);
      if (served.status === 200 || Date.now() - started > 10_000) break;
      await served.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(served.status).toBe(200);
    expect((await served.arrayBuffer()).byteLength).toBeGreaterThan(20_000_000);
    for (const socket of stalled) socket.destroy();
  });
});
