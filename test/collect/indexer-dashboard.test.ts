import { describe, expect, it } from 'vitest';
import { collectIndexerDashboard } from '../../src/collect/indexer-dashboard.js';
import { parseOpensslDate } from '../../src/collect/openssl-date.js';
import { IndexerDashboardSchema } from '../../src/sps/schemas.js';
import { fixture, namesOf, valueOf, parseBody } from '../helpers/fixtures.js';

const collect = (raw: unknown, now: number) => collectIndexerDashboard(parseBody(IndexerDashboardSchema, raw), now);
const OCT_9_2024 = Date.UTC(2024, 9, 9, 12, 9, 31);

describe('parseOpensslDate', () => {
  it('reads the form SPS sends, with one or two spaces before the day', () => {
    expect(parseOpensslDate('Oct 9 12:09:31 2024 GMT')).toBe(OCT_9_2024);
    expect(parseOpensslDate('Oct  9 12:09:31 2024 GMT')).toBe(OCT_9_2024);
    expect(parseOpensslDate('Feb 29 00:00:00 2028 GMT')).toBe(Date.UTC(2028, 1, 29));
  });

  it('refuses anything else rather than guess', () => {
    for (const bad of [
      '',
      'Oct 9 2024',
      'Foo 9 12:09:31 2024 GMT',
      'Feb 30 12:00:00 2025 GMT',
      'Oct 9 25:00:00 2024 GMT',
      '2024-10-09T12:09:31Z',
      'Oct 9 12:09:31 2024 CET',
    ]) {
      expect(parseOpensslDate(bad), bad).toBeUndefined();
      expect(parseOpensslDate(bad), `${bad} (remembered)`).toBeUndefined();
    }
  });

  it('reads a date padded with white space', () => {
    expect(parseOpensslDate(`${' '.repeat(40)}Oct 9 12:09:31 2024 GMT  `)).toBe(OCT_9_2024);
  });
});

describe('collectIndexerDashboard', () => {
  it('maps the seed sample: expiry timestamps, days left (negative once expired) and string service states', () => {
    const now = OCT_9_2024 + 10 * 86_400_000;
    const { samples, warnings } = collect(fixture('indexer_dashboard.json'), now);
    for (const certificate of ['ca.pem', 'service.pem', 'worker.pem']) {
      expect(valueOf(samples, 'sps_certificate_expiry_timestamp_seconds', { certificate })).toBe(OCT_9_2024 / 1000);
      expect(valueOf(samples, 'sps_certificate_expiry_days', { certificate })).toBeCloseTo(-10);
    }
    expect(valueOf(samples, 'sps_indexer_service_active', { indexer_service: 'indexer-service.service' })).toBe(1);
    expect(valueOf(samples, 'sps_indexer_service_active', { indexer_service: 'indexer-metadb-service.service' })).toBe(
      0,
    );
    expect(samples.filter((s) => s.family.name === 'sps_indexer_service_active')).toHaveLength(6);
    expect(warnings).toEqual([]);
  });

  it('counts days to expiry as a fraction', () => {
    const { samples } = collect(fixture('indexer_dashboard.json'), OCT_9_2024 - 1.5 * 86_400_000);
    expect(valueOf(samples, 'sps_certificate_expiry_days', { certificate: 'ca.pem' })).toBeCloseTo(1.5);
  });

  it('reads boolean service states as the field table documents them', () => {
    const { samples } = collect(
      { required_service_statuses: { 'a.service': true, 'b.service': false, 'c.service': 'failed', 'd.service': 3 } },
      0,
    );
    expect(valueOf(samples, 'sps_indexer_service_active', { indexer_service: 'a.service' })).toBe(1);
    expect(valueOf(samples, 'sps_indexer_service_active', { indexer_service: 'b.service' })).toBe(0);
    expect(valueOf(samples, 'sps_indexer_service_active', { indexer_service: 'c.service' })).toBe(0);
    expect(() => valueOf(samples, 'sps_indexer_service_active', { indexer_service: 'd.service' })).toThrow();
  });

  it('skips and reports a date it cannot read, never turning it into 0', () => {
    const raw = {
      certificates: {
        'ca.pem': { expiration_date: 'soon' },
        'x.pem': { expiration_date: 5 },
        'y.pem': null,
        'ok.pem': { expiration_date: 'Oct 9 12:09:31 2024 GMT' },
      },
    };
    const { samples, warnings } = collect(raw, OCT_9_2024);
    expect(samples.map((s) => s.labels?.certificate)).toEqual(['ok.pem', 'ok.pem']);
    expect(warnings).toEqual(['certificate "ca.pem" has an unreadable expiration_date "soon"']);
  });

  it('exports nothing when the sections are missing', () => {
    expect(namesOf(collect({ supported_remote_indexer_version: {} }, 0).samples).size).toBe(0);
  });
});
