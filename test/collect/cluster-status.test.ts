import { describe, expect, it } from 'vitest';
import { SpsError } from '../../src/sps/errors.js';
import { collectClusterStatus } from '../../src/collect/cluster-status.js';
import { ClusterStatusSchema } from '../../src/sps/schemas.js';
import { valueOf, parseBody } from '../helpers/fixtures.js';

// The shape the exporter-core warnings and the issue describe for /api/cluster/status on a Central
// Management node (the reference pages list the endpoint without a sample).
const status = {
  items: [
    {
      key: 'b35c54da-b556-4f91-ade5-d26283d68277',
      fqdn: 'sps-cm.example.com',
      last_seen: '2026-11-24T10:00:00+00:00',
      sync_status: 'synced',
      configuration_sync: {
        last_updated: '2026-11-24T09:00:00+00:00',
        last_checked: '2026-11-24T10:00:00+00:00',
        issues: { warnings: [] },
      },
      health_status: { total_sessions: 4, load1: 0.3 },
    },
    {
      key: '46f97a58-4028-467d-9a22-9cfe78ae3e1c',
      fqdn: 'sps-2.example.com',
      last_seen: 1764000000,
      sync_status: 'out of sync',
      configuration_sync: { issues: { warnings: ['a', 'b'] } },
      health_status: null,
    },
    // 6.x: no sync_status
    { key: 'c0ffee', last_seen: 'yesterday', health_status: { total_sessions: 0 } },
  ],
};

const collect = (raw: unknown) => collectClusterStatus(parseBody(ClusterStatusSchema, raw));

describe('collectClusterStatus', () => {
  it('maps each member: up from health_status, last seen, sync status per value seen, warnings', () => {
    const { samples, warnings } = collect(status);
    const cm = { member: 'sps-cm.example.com' };
    const two = { member: 'sps-2.example.com' };
    expect(valueOf(samples, 'sps_cluster_member_up', cm)).toBe(1);
    expect(valueOf(samples, 'sps_cluster_member_up', two)).toBe(0);
    expect(valueOf(samples, 'sps_cluster_member_last_seen_timestamp_seconds', cm)).toBe(
      Date.parse('2026-11-24T10:00:00Z') / 1000,
    );
    expect(valueOf(samples, 'sps_cluster_member_last_seen_timestamp_seconds', two)).toBe(1764000000);
    expect(valueOf(samples, 'sps_cluster_member_sync_status', { ...cm, status: 'synced' })).toBe(1);
    expect(valueOf(samples, 'sps_cluster_member_sync_status', { ...cm, status: 'out of sync' })).toBe(0);
    expect(valueOf(samples, 'sps_cluster_member_sync_status', { ...two, status: 'out of sync' })).toBe(1);
    expect(valueOf(samples, 'sps_cluster_member_config_sync_warnings', two)).toBe(2);
    expect(valueOf(samples, 'sps_cluster_member_config_sync_warnings', cm)).toBe(0);
    expect(warnings).toEqual(['cluster member "c0ffee" has an unreadable last_seen']);
  });

  it('handles the 6.x shape without sync_status, naming a member by its key when it has no fqdn', () => {
    const { samples } = collect(status);
    const old = { member: 'c0ffee' };
    expect(valueOf(samples, 'sps_cluster_member_up', old)).toBe(1);
    expect(
      samples
        .filter((s) => s.labels?.member === 'c0ffee')
        .map((s) => s.family.name)
        .sort(),
    ).toEqual(['sps_cluster_member_up']);
  });

  it('exports what a member item has when it lacks health_status, but no sps_cluster_member_up', () => {
    const { samples } = collect({
      items: [{ key: 'k', fqdn: 'sps-3.example.com', last_seen: 1764000000, sync_status: 'synced' }],
    });
    const three = { member: 'sps-3.example.com' };
    expect(valueOf(samples, 'sps_cluster_member_last_seen_timestamp_seconds', three)).toBe(1764000000);
    expect(valueOf(samples, 'sps_cluster_member_sync_status', { ...three, status: 'synced' })).toBe(1);
    expect(samples.some((s) => s.family.name === 'sps_cluster_member_up')).toBe(false);
  });

  it('skips broken items and refuses a response without items', () => {
    expect(collect({ items: [null, 5, { fqdn: 'x' }] }).samples).toEqual([]);
    expect(() => parseBody(ClusterStatusSchema, { items: 'none' })).toThrow(SpsError);
  });
});
