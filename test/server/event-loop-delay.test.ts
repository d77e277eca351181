import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  EVENT_LOOP_DELAY_METRICS,
  EVENT_LOOP_SAMPLE_MS,
  registerEventLoopDelay,
} from '../../src/server/event-loop-delay.js';
import { createSelfRegistry } from '../../src/server/self-metrics.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function value(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} missing`);
  return Number(match[1]);
}

describe('event-loop delay', () => {
  it('reports the delay without the sampling interval: 0 while idle, the block when the loop was blocked, each since the last scrape', async () => {
    // A clock the test moves: each tick is one wake-up of the sampler, `ms` after the one before.
    let now = 0n;
    let tick: () => void = () => {};
    const clock = { now: () => now, every: (_ms: number, fn: () => void) => void (tick = fn) };
    const wakeUp = (ms: number) => {
      now += BigInt(ms) * 1_000_000n;
      tick();
    };
    const registry = new Registry();
    registerEventLoopDelay(registry, { clock });
    for (let i = 0; i < 10; i++) wakeUp(EVENT_LOOP_SAMPLE_MS); // idle: every wake-up on time
    const idle = await registry.metrics();
    // The raw histogram of an idle loop sampled every 100 ms would read 0.100 s.
    expect(value(idle, 'nodejs_eventloop_lag_min_seconds')).toBeLessThan(0.000_001);
    expect(value(idle, 'nodejs_eventloop_lag_p50_seconds')).toBeLessThan(0.000_001);
    wakeUp(EVENT_LOOP_SAMPLE_MS + 400); // the loop was blocked for 400 ms
    wakeUp(EVENT_LOOP_SAMPLE_MS);
    const blocked = await registry.metrics();
    expect(value(blocked, 'nodejs_eventloop_lag_max_seconds')).toBeCloseTo(0.4, 2);
    // Read since the last scrape: the block is gone from the next reading.
    for (let i = 0; i < 5; i++) wakeUp(EVENT_LOOP_SAMPLE_MS);
    expect(value(await registry.metrics(), 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.000_001);
  });

  it('samples the real loop: a block shows in the reading after it', async () => {
    const registry = new Registry();
    registerEventLoopDelay(registry);
    await registry.metrics();
    const until = Date.now() + 400;
    while (Date.now() < until); // block the loop
    await sleep(300);
    expect(value(await registry.metrics(), 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.25);
  });

  it("replaces prom-client's statistics under their names, each once", async () => {
    const { registry } = createSelfRegistry('1.2.3');
    const text = await registry.metrics();
    for (const name of [...EVENT_LOOP_DELAY_METRICS, 'nodejs_eventloop_lag_seconds'])
      expect(text.match(new RegExp(`^# TYPE ${name} gauge$`, 'gm'))).toHaveLength(1);
  });
});
