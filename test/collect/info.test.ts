import { describe, expect, it } from 'vitest';
import { SpsError } from '../../src/sps/errors.js';
import { collectInfo } from '../../src/collect/info.js';
import { DiskFillupPreventionSchema, HealthMonitoringSchema, InfoSchema } from '../../src/sps/schemas.js';
import { collectDiskFillupPrevention, collectHealthMonitoring } from '../../src/collect/appliance-thresholds.js';
import { fixture, fixtureText, valueOf, parseBody } from '../helpers/fixtures.js';

describe('collectInfo', () => {
  it('maps the authenticated sample to sps_info and one sps_node_role per role', () => {
    const { samples } = collectInfo(parseBody(InfoSchema, fixture('info_authenticated.json')));
    expect(valueOf(samples, 'sps_info', { hostname: 'scbwriter', firmware_version: '5.7.0', version: '5 F7' })).toBe(1);
    expect(valueOf(samples, 'sps_node_role', { role: 'central-management' })).toBe(1);
    expect(valueOf(samples, 'sps_node_role', { role: 'search-master' })).toBe(1);
    expect(samples).toHaveLength(3);
  });

  it('keeps sps_info with empty labels for what an anonymous answer leaves out', () => {
    const { samples } = collectInfo(parseBody(InfoSchema, fixture('info_anonymous.json')));
    expect(valueOf(samples, 'sps_info', { hostname: 'scbwriter', firmware_version: '', version: '' })).toBe(1);
    expect(samples).toHaveLength(1);
  });

  it("the seed's own authenticated sample is not JSON (a missing comma): exactly what the client must survive", () => {
    expect(() => JSON.parse(fixtureText('info_authenticated.seed.txt'))).toThrow(SyntaxError);
  });

  it('rejects a response without a body', () => {
    expect(() => parseBody(InfoSchema, { key: 'about_info' })).toThrow(SpsError);
  });
});

describe('appliance thresholds', () => {
  it('maps the reference sample: percent to ratios, null thresholds to nothing', () => {
    const { samples } = collectHealthMonitoring(parseBody(HealthMonitoringSchema, fixture('health_monitoring.json')));
    expect(valueOf(samples, 'sps_threshold_disk_usage_ratio')).toBeCloseTo(0.8);
    expect(valueOf(samples, 'sps_threshold_swap_usage_ratio')).toBeCloseTo(0.7);
    expect(samples.filter((s) => s.family.name === 'sps_threshold_load')).toEqual([]);
  });

  it('exports each load threshold that is set, by period', () => {
    const { samples } = collectHealthMonitoring(
      parseBody(HealthMonitoringSchema, { body: { maximum_load1: 12, maximum_load5: '10', maximum_load15: 8 } }),
    );
    expect(valueOf(samples, 'sps_threshold_load', { period: '1' })).toBe(12);
    expect(valueOf(samples, 'sps_threshold_load', { period: '15' })).toBe(8);
    expect(() => valueOf(samples, 'sps_threshold_load', { period: '5' })).toThrow();
  });

  it('maps disk fill-up prevention', () => {
    const on = collectDiskFillupPrevention(
      parseBody(DiskFillupPreventionSchema, fixture('disk_fillup_prevention.json')),
    ).samples;
    expect(valueOf(on, 'sps_disk_fillup_prevention_enabled')).toBe(1);
    expect(valueOf(on, 'sps_disk_fillup_prevention_limit_ratio')).toBeCloseTo(0.9);
    const off = collectDiskFillupPrevention(
      parseBody(DiskFillupPreventionSchema, { body: { enabled: false, used_space_ratio_limit: null } }),
    ).samples;
    expect(valueOf(off, 'sps_disk_fillup_prevention_enabled')).toBe(0);
    expect(off).toHaveLength(1);
  });
});
