import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { semiSpaceGrowthFactor } from '../src/gc.js';

const MiB = 2 ** 20;

/**
 * Runs the built gc module in a fresh Node with a workload that keeps ~10% of what it allocates
 * alive for a while (as polls do), yielding to the event loop between batches as the exporter
 * does, and returns the largest new space it saw.
 */
function largestNewSpace(mode: string): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { applyGcMode, capYoungGeneration } from ${JSON.stringify(new URL('../dist/gc.js', import.meta.url).href)};
    applyGcMode(${JSON.stringify(mode)});
    capYoungGeneration(${JSON.stringify(mode)});
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    let largest = 0;
    const kept = [];
    for (let batch = 0; batch < 200; batch++) {
      for (let i = 0; i < 10_000; i++) {
        const o = { i, list: [i, i + 1], text: 'x' + i };
        if (i % 10 === 0) kept.push(o);
      }
      if (kept.length > 40_000) kept.splice(0, 20_000);
      largest = Math.max(largest, newSpace());
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(largest);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return Number(result.stdout.trim());
}

describe('young generation cap', () => {
  it('doubles below the cap and stops at it', () => {
    expect(semiSpaceGrowthFactor(2 * MiB, 8)).toBe(2);
    expect(semiSpaceGrowthFactor(8 * MiB, 8)).toBe(2);
    expect(semiSpaceGrowthFactor(16 * MiB, 8)).toBe(1);
    expect(semiSpaceGrowthFactor(32 * MiB, 8)).toBe(1);
  });

  it('bounded lets the young generation grow to 8 MiB per semi-space, where V8 alone takes 16', () => {
    const bounded = largestNewSpace('bounded');
    expect(bounded).toBeGreaterThan(4 * MiB);
    expect(bounded).toBeLessThanOrEqual(16 * MiB);
    expect(largestNewSpace('v8')).toBe(32 * MiB);
    expect(largestNewSpace('small')).toBeLessThanOrEqual(2 * MiB);
  });
});
