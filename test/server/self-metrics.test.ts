import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_DELAY_METRICS } from '../../src/server/event-loop-delay.js';
import { createSelfRegistry } from '../../src/server/self-metrics.js';
import { promtoolCheckMetrics } from '../helpers/http.js';

const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe("the exporter's own registry", () => {
  it('has the build info, process metrics, and the event-loop delay once, under its usual names', async () => {
    const { registry } = createSelfRegistry('9.9.9');
    const text = await registry.metrics();
    expect(text).toContain(`sps_exporter_build_info{version="9.9.9",nodejs_version="${process.version}"} 1`);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    for (const name of EVENT_LOOP_DELAY_METRICS)
      expect(text.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1);
    expect(promtoolCheckMetrics(text)).toEqual([]);
  });

  it('names no gauge *_total: the counters-only suffix is kept', async () => {
    const { registry } = createSelfRegistry('t');
    for (const metric of await registry.getMetricsAsJSON())
      if (metric.name.endsWith('_total')) expect(metric.type, metric.name).toBe('counter');
  });

  it('says whether the last config load succeeded, and when the last good one was', async () => {
    const self = createSelfRegistry('t');
    const before = Date.now() / 1000;
    self.reloaded(true);
    let text = await self.registry.metrics();
    expect(value(text, 'sps_exporter_config_last_reload_successful')).toBe(1);
    const at = value(text, 'sps_exporter_config_last_reload_success_timestamp_seconds');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now() / 1000);
    self.reloaded(false);
    text = await self.registry.metrics();
    expect(value(text, 'sps_exporter_config_last_reload_successful')).toBe(0);
    expect(value(text, 'sps_exporter_config_last_reload_success_timestamp_seconds')).toBe(at);
  });
});
