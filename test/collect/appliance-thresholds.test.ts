import { describe, expect, it } from 'vitest';
import { collectDiskFillupPrevention, collectHealthMonitoring } from '../../src/collect/appliance-thresholds.js';
import { DiskFillupPreventionSchema, HealthMonitoringSchema } from '../../src/sps/schemas.js';
import { fixture, parseBody, valueOf } from '../helpers/fixtures.js';

describe("the appliance's own thresholds, from the REST reference's samples", () => {
  it('health_monitoring: percentages as ratios, and no series for a threshold that is not set (null)', () => {
    const { samples } = collectHealthMonitoring(parseBody(HealthMonitoringSchema, fixture('health_monitoring.json')));
    expect(valueOf(samples, 'sps_threshold_disk_usage_ratio')).toBe(0.8);
    expect(valueOf(samples, 'sps_threshold_swap_usage_ratio')).toBe(0.7);
    expect(samples.filter((s) => s.family.name === 'sps_threshold_load')).toEqual([]);
  });

  it('health_monitoring: load thresholds per period when set', () => {
    const answer = fixture('health_monitoring.json');
    Object.assign(answer.body, { maximum_load1: 8, maximum_load5: 6, maximum_load15: 4 });
    const { samples } = collectHealthMonitoring(parseBody(HealthMonitoringSchema, answer));
    expect(['1', '5', '15'].map((period) => valueOf(samples, 'sps_threshold_load', { period }))).toEqual([8, 6, 4]);
  });

  it('disk_fillup_prevention: on or off, and the usage limit as a ratio', () => {
    const answer = fixture('disk_fillup_prevention.json');
    const on = collectDiskFillupPrevention(parseBody(DiskFillupPreventionSchema, answer)).samples;
    expect(valueOf(on, 'sps_disk_fillup_prevention_enabled')).toBe(1);
    expect(valueOf(on, 'sps_disk_fillup_prevention_limit_ratio')).toBe(0.9);
    answer.body.enabled = false;
    delete answer.body.used_space_ratio_limit;
    const off = collectDiskFillupPrevention(parseBody(DiskFillupPreventionSchema, answer)).samples;
    expect(valueOf(off, 'sps_disk_fillup_prevention_enabled')).toBe(0);
    expect(off.filter((s) => s.family.name === 'sps_disk_fillup_prevention_limit_ratio')).toEqual([]);
  });
});
