import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/collect/families.js';
import { applyLimits } from '../../src/collect/limits.js';

const limits = { seriesPerFamily: 2, labelValueLength: 16 };

describe('applyLimits', () => {
  it('returns the samples themselves when nothing is dropped', () => {
    const samples = [{ family: METRICS.load1, value: 1 }];
    expect(applyLimits(samples, limits).samples).toBe(samples);
  });

  it('drops and counts, by family and reason: series over the limit, long label values, values out of range', () => {
    const { samples, dropped } = applyLimits(
      [
        { family: METRICS.activeSessions, labels: { protocol: 'ssh' }, value: 1 },
        { family: METRICS.activeSessions, labels: { protocol: 'x'.repeat(17) }, value: 1 }, // too long: not counted against the limit
        { family: METRICS.activeSessions, labels: { protocol: 'rdp' }, value: -3 }, // a negative count
        { family: METRICS.activeSessions, labels: { protocol: 'vnc' }, value: 2 },
        { family: METRICS.activeSessions, labels: { protocol: 'ica' }, value: 3 }, // the third kept one: over the limit
        { family: METRICS.swapUsage, value: 1e304 }, // a ratio far outside 0..1
        { family: METRICS.cpuUsage, value: 1.2 }, // within rounding and a queue over its size
        { family: METRICS.certificateExpiryDays, labels: { certificate: 'a' }, value: -4 }, // negative is meaningful here
      ],
      limits,
    );
    expect(samples.map((s) => `${s.family.name} ${s.labels?.protocol ?? ''} ${s.value}`.replace('  ', ' '))).toEqual([
      'sps_active_sessions ssh 1',
      'sps_active_sessions vnc 2',
      'sps_cpu_usage_ratio 1.2',
      'sps_certificate_expiry_days -4',
    ]);
    expect(dropped).toEqual([
      { family: 'sps_active_sessions', reason: 'label_value_length', count: 1 },
      { family: 'sps_active_sessions', reason: 'out_of_range', count: 1 },
      { family: 'sps_active_sessions', reason: 'series_limit', count: 1 },
      { family: 'sps_swap_usage_ratio', reason: 'out_of_range', count: 1 },
    ]);
  });
});
