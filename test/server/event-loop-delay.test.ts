import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_DELAY_METRICS, registerEventLoopDelay } from '../../src/server/event-loop-delay.js';
import { createSelfRegistry } from '../../src/server/self-metrics.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function value(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} missing`);
  return Number(match[1]);
}

describe('event-loop delay', () => {
  it('reports the delay without the sampling interval: near 0 while idle, the block when the loop was blocked', async () => {
    const registry = new Registry();
    registerEventLoopDelay(registry);
    await registry.metrics(); // resets what was recorded while the test started up
    await sleep(1_000);
    const idle = await registry.metrics();
    // Sampled every 100 ms, the raw histogram of an idle loop reads ~0.100 s.
    expect(value(idle, 'nodejs_eventloop_lag_min_seconds')).toBeLessThan(0.05);
    expect(value(idle, 'nodejs_eventloop_lag_p50_seconds')).toBeLessThan(0.05);

    const until = Date.now() + 400;
    while (Date.now() < until); // block the loop
    await sleep(300);
    const blocked = await registry.metrics();
    expect(value(blocked, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.25);
    expect(value(blocked, 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(5);
    // Read since the last scrape: the block is gone from the next reading.
    await sleep(500);
    expect(value(await registry.metrics(), 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.25);
  });

  it('replaces prom-client\'s statistics under their names, each once', async () => {
    const { registry } = createSelfRegistry('1.2.3');
    const text = await registry.metrics();
    for (const name of [...EVENT_LOOP_DELAY_METRICS, 'nodejs_eventloop_lag_seconds']) expect(text.match(new RegExp(`^# TYPE ${name} gauge$`, 'gm'))).toHaveLength(1);
  });
});
