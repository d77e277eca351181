import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExporterConfig } from '../../src/config/load.js';
import { Scheduler } from '../../src/poller/scheduler.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { Fleet } from '../../tools/simulator/fleet.js';
import { eventually } from '../helpers/process.js';
import { fleetConfig, silentLog } from '../helpers/targets.js';

describe('a fleet with 10% hanging nodes', () => {
  let fleet: Fleet;
  let scheduler: Scheduler;
  beforeAll(async () => {
    fleet = await Fleet.start({
      nodes: Array.from({ length: 20 }, (_, i) => ({ name: `n${i}`, scenario: i % 10 === 0 ? 'hang' : 'healthy' })),
    });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await fleet.close();
  });

  it('keeps the healthy nodes on their cadence while the hanging ones time out', async () => {
    const config = fleetConfig(fleet, { interval: '1s', timeout: '900ms' });
    config.concurrency = 4; // the hanging nodes can hold half the slots
    scheduler = new Scheduler({ log: silentLog, exposition: new Exposition() });
    scheduler.apply(config);
    const started = Date.now();
    scheduler.start();
    // Until every hanging node has timed out and every healthy one has had five polls (a deadline, not a fixed wait).
    await vi.waitFor(
      () => {
        for (const node of scheduler.nodes) {
          if (fleet.node(node.name)!.scenario === 'hang') expect(node.lastError?.reason).toBe('timeout');
          else expect(node.polls).toBeGreaterThanOrEqual(5);
        }
      },
      { timeout: 30_000, interval: 100 },
    );
    const seconds = (Date.now() - started) / 1000;
    for (const node of scheduler.nodes) {
      if (fleet.node(node.name)!.scenario === 'hang') {
        expect(node.lastError?.reason, node.name).toBe('timeout');
        expect(node.healthOk).toBe(false);
      } else {
        // One poll a second; at least all but one of them (the first is at a random phase).
        expect(node.polls, node.name).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
        expect(node.healthOk, node.name).toBe(true);
      }
    }
  });
});

describe('50 reloads while 200 nodes are polled', () => {
  let fleet: Fleet;
  let scheduler: Scheduler;
  beforeAll(async () => {
    fleet = await Fleet.start({ nodes: Array.from({ length: 200 }, (_, i) => ({ name: `r${i}` })) });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await fleet.close();
  });

  it('loses no node, starts no duplicate poller and leaks no socket', async () => {
    const all = fleetConfig(fleet, { interval: '1s', timeout: '900ms' });
    const fewer: ExporterConfig = { ...all, targets: all.targets.slice(0, 150) };
    const relabelled = fleetConfig(fleet, { interval: '1s', timeout: '900ms', labels: { wave: 'two' } });
    scheduler = new Scheduler({ log: silentLog, exposition: new Exposition() });
    scheduler.apply(all);
    scheduler.start();
    for (let i = 0; i < 50; i++) {
      scheduler.apply([all, fewer, relabelled][i % 3]!);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    scheduler.apply(all);
    const names = scheduler.nodes.map((n) => n.name);
    expect(names).toHaveLength(200);
    expect(new Set(names).size).toBe(200);
    await eventually(
      () => (scheduler.nodes.every((n) => n.healthOk) ? true : undefined),
      20_000,
      'every node up after the reloads',
    );
    // Settled: one connection per node, the removed pollers' connections closed.
    await eventually(
      () => (fleet.openConnections <= 200 ? true : undefined),
      10_000,
      `connections to settle (open: ${fleet.openConnections})`,
    );
    const text = scheduler.fleetReader().toBuffer().toString();
    expect(text.match(/^sps_up\{/gm)).toHaveLength(200);
    expect(text).not.toContain('wave="two"');
  });
});
