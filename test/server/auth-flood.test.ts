import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../src/poller/scheduler.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { createApp } from '../../src/server/app.js';
import { createSelfRegistry } from '../../src/server/self-metrics.js';
import { Fleet } from '../../tools/simulator/fleet.js';
import { fleetConfig, silentLog } from '../helpers/targets.js';
import { serve } from '../helpers/http.js';

let fleet: Fleet;
let scheduler: Scheduler;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  fleet = await Fleet.start({ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] });
  scheduler = new Scheduler({ log: silentLog, exposition: new Exposition() });
  scheduler.apply(fleetConfig(fleet, { interval: '1s', timeout: '1s' }));
  scheduler.start();
  const self = createSelfRegistry('1.2.3');
  const users = new Map([['prometheus', bcrypt.hashSync('scrape-secret', 10)]]); // cost 10, as htpasswd -B makes them
  server = await serve(
    createApp({
      scheduler,
      selfRegistry: self.registry,
      version: '1.2.3',
      reload: () => Promise.resolve(undefined),
      users: () => users,
      maxRequests: 40,
      externalUrl: () => new URL('http://exporter.example:9684/'),
    }),
  );
});
afterAll(async () => {
  await server.close();
  await scheduler.stop();
  await fleet.close();
});

const basic = (password: string) => `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}`;
const polls = () => scheduler.nodes.reduce((sum, node) => sum + node.polls, 0);
const timeouts = () => scheduler.nodes.filter((node) => node.lastError?.reason === 'timeout').length;

/** For `ms`: /-/healthy asked every 20 ms, its median latency; polls started meanwhile; and, with `flood`, what 30 clients sending wrong passwords got. */
async function window(ms: number, flood: boolean) {
  const statuses = new Map<number, number>();
  const end = Date.now() + ms;
  const floods = flood
    ? Array.from({ length: 30 }, async (_, i) => {
        while (Date.now() < end) {
          const res = await fetch(`${server.url}/metrics`, {
            headers: { authorization: basic(`wrong-${i}-${Date.now()}`) },
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      })
    : [];
  const pollsBefore = polls();
  const latencies: number[] = [];
  while (Date.now() < end) {
    const started = performance.now();
    await (await fetch(`${server.url}/-/healthy`)).text();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(floods);
  latencies.sort((x, y) => x - y);
  return { healthyMedianMs: latencies[latencies.length >> 1]!, polls: polls() - pollsBefore, statuses };
}

describe('basic auth under a flood of wrong passwords', () => {
  it('keeps polls on their cadence and /-/healthy prompt, compared with the same window without the flood', async () => {
    await vi.waitFor(() => expect(scheduler.nodes.every((node) => node.healthOk)).toBe(true), { timeout: 10_000 });
    const quiet = await window(4_000, false);
    const flooded = await window(4_000, true);
    // Each wrong password is a bcrypt of cost 10: on the event loop, 30 clients would hold it for seconds.
    expect(flooded.statuses.get(401) ?? 0).toBeGreaterThan(10);
    expect(flooded.statuses.get(429) ?? 0).toBeGreaterThan(0); // more than MAX_PENDING_CHECKS waiting: turned away
    expect(flooded.healthyMedianMs).toBeLessThan(5 * quiet.healthyMedianMs + 25);
    expect(flooded.polls).toBeGreaterThanOrEqual(quiet.polls - scheduler.nodes.length);
    expect(timeouts()).toBe(0);
    // The right password still gets through, and once it passed it is not checked again.
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: basic('scrape-secret') } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }, 30_000);
});
