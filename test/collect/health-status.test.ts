import { describe, expect, it } from 'vitest';
import { collectHealthStatus } from '../../src/collect/health-status.js';
import { HealthStatusResponseSchema, type HealthStatus } from '../../src/sps/schemas.js';
import { fixture, namesOf, seriesKeys, valueOf, parseBody } from '../helpers/fixtures.js';

function collect(raw: unknown) {
  const parsed = parseBody(HealthStatusResponseSchema, { health_status: raw });
  return collectHealthStatus(parsed.health_status as HealthStatus);
}

const seed = () => structuredClone(fixture('health_status.json').health_status);

describe('collectHealthStatus on the seed sample', () => {
  const { samples, warnings } = collect(seed());

  it('maps load, usage percentages as ratios, and sessions', () => {
    expect(valueOf(samples, 'sps_load1')).toBe(3);
    expect(valueOf(samples, 'sps_load5')).toBe(5);
    expect(valueOf(samples, 'sps_load15')).toBe(4);
    expect(valueOf(samples, 'sps_cpu_usage_ratio')).toBeCloseTo(0.01);
    expect(valueOf(samples, 'sps_disk_usage_ratio')).toBeCloseTo(0.02);
    expect(valueOf(samples, 'sps_memory_usage_ratio')).toBeCloseTo(0.07);
    expect(valueOf(samples, 'sps_swap_usage_ratio')).toBeCloseTo(0.08);
    for (const [protocol, count] of Object.entries({ http: 1, ica: 2, mssql: 3, rdp: 4, ssh: 5, telnet: 6, vnc: 7 })) {
      expect(valueOf(samples, 'sps_active_sessions', { protocol })).toBe(count);
    }
    expect(valueOf(samples, 'sps_active_sessions_reported')).toBe(28);
    expect(valueOf(samples, 'sps_pipeline_queue_fullness_ratio', { queue: 'session_events' })).toBeCloseTo(0.643);
    expect(valueOf(samples, 'sps_pipeline_queue_fullness_ratio', { queue: 'indexer_events' })).toBeCloseTo(0.4);
  });

  it('maps system details: cpu modes, memory, disk and swap bytes, swap counters', () => {
    expect(valueOf(samples, 'sps_cpu_mode_ratio', { mode: 'idle' })).toBeCloseTo(0.97);
    expect(valueOf(samples, 'sps_cpu_mode_ratio', { mode: 'system' })).toBeCloseTo(0.02);
    expect(valueOf(samples, 'sps_memory_total_bytes')).toBe(8344498176);
    expect(valueOf(samples, 'sps_memory_available_bytes')).toBe(3288555520);
    expect(valueOf(samples, 'sps_memory_slab_bytes')).toBe(325619712);
    expect(namesOf(samples).has('sps_memory_percent_bytes')).toBe(false);
    expect(valueOf(samples, 'sps_disk_total_bytes')).toBe(10000000000);
    expect(valueOf(samples, 'sps_disk_used_bytes')).toBe(9800000000);
    expect(valueOf(samples, 'sps_disk_free_bytes')).toBe(200000000);
    expect(valueOf(samples, 'sps_swap_total_bytes')).toBe(0);
    expect(valueOf(samples, 'sps_swap_in_bytes_total')).toBe(0);
    expect(samples.find((s) => s.family.name === 'sps_swap_out_bytes_total')?.family.type).toBe('counter');
  });

  it('maps RAID state as a code and one series per documented state, disks per state', () => {
    expect(valueOf(samples, 'sps_raid_status_code')).toBe(0);
    expect(valueOf(samples, 'sps_raid_status', { status: 'OK' })).toBe(1);
    for (const status of ['WARNING', 'DEGRADED', 'DEGRADED_SYNCING', 'CRITICAL'])
      expect(valueOf(samples, 'sps_raid_status', { status })).toBe(0);
    expect(valueOf(samples, 'sps_raid_operation_progress_ratio')).toBe(0);
    expect(valueOf(samples, 'sps_raid_disk_status', { disk: '252:0', status: 'OK' })).toBe(1);
    expect(valueOf(samples, 'sps_raid_disk_status', { disk: '252:3', status: 'FAULTY' })).toBe(0);
    expect(samples.filter((s) => s.family.name === 'sps_raid_disk_status')).toHaveLength(16);
  });

  it('maps firmware integrity and tainted files', () => {
    expect(valueOf(samples, 'sps_firmware_integrity_ok', { partition: 'boot' })).toBe(1);
    expect(valueOf(samples, 'sps_firmware_integrity_ok', { partition: 'core' })).toBe(0);
    expect(valueOf(samples, 'sps_firmware_tainted_files', { partition: 'core' })).toBe(2);
    expect(valueOf(samples, 'sps_firmware_tainted_files', { partition: 'ha_other' })).toBe(0);
  });

  it('maps indexer worker groups and task lists', () => {
    const group = { capabilities: 'screenshot,video', ip: '127.0.0.1' };
    expect(valueOf(samples, 'sps_indexer_workers', group)).toBe(1);
    expect(valueOf(samples, 'sps_indexer_idle_workers', group)).toBe(1);
    expect(valueOf(samples, 'sps_indexer_jobs', { ...group, task: 'video' })).toBe(0);
    expect(valueOf(samples, 'sps_indexer_workers', { capabilities: 'index', ip: '127.0.0.1' })).toBe(1);
    expect(valueOf(samples, 'sps_indexer_processing_tasks')).toBe(0);
    expect(valueOf(samples, 'sps_indexer_remaining_tasks')).toBe(0);
    expect(valueOf(samples, 'sps_indexer_worker_warnings')).toBe(0);
  });

  it('has no duplicate series and nothing to report', () => {
    const keys = seriesKeys(samples);
    expect(new Set(keys).size).toBe(keys.length);
    expect(warnings).toEqual([]);
  });
});

describe('collectHealthStatus on variants', () => {
  it("reads total_sessions, the field table's name, when sessions_total is absent", () => {
    const raw = seed();
    delete raw.sessions_total;
    raw.total_sessions = 11;
    expect(valueOf(collect(raw).samples, 'sps_active_sessions_reported')).toBe(11);
  });

  it('skips missing, null and wrong-typed fields without inventing zeros, and keeps the rest', () => {
    const raw = seed();
    delete raw.load1;
    raw.load5 = null;
    raw.cpu = '12.5';
    raw.sessions.ssh = 'five';
    raw.sessions.rdp = null;
    raw.raid.status = 'broken';
    raw.system_details.memory.total = '8344498176';
    raw.firmware = [];
    const { samples } = collect(raw);
    const names = namesOf(samples);
    for (const gone of [
      'sps_load1',
      'sps_load5',
      'sps_cpu_usage_ratio',
      'sps_raid_status_code',
      'sps_raid_status',
      'sps_memory_total_bytes',
      'sps_firmware_integrity_ok',
    ]) {
      expect(names.has(gone), gone).toBe(false);
    }
    expect(() => valueOf(samples, 'sps_active_sessions', { protocol: 'ssh' })).toThrow();
    expect(() => valueOf(samples, 'sps_active_sessions', { protocol: 'rdp' })).toThrow();
    expect(valueOf(samples, 'sps_active_sessions', { protocol: 'vnc' })).toBe(7);
    expect(valueOf(samples, 'sps_load15')).toBe(4);
    expect(valueOf(samples, 'sps_raid_disk_status', { disk: '252:1', status: 'OK' })).toBe(1);
    expect(valueOf(samples, 'sps_memory_used_bytes')).toBe(3620462592);
  });

  it('exports -1 and a series for an unknown RAID state, and reports it', () => {
    const raw = seed();
    raw.raid.status.status = 'MELTING';
    raw.raid.disks['252:1'].status = 'MISSING';
    const { samples, warnings } = collect(raw);
    expect(valueOf(samples, 'sps_raid_status_code')).toBe(-1);
    expect(valueOf(samples, 'sps_raid_status', { status: 'MELTING' })).toBe(1);
    expect(valueOf(samples, 'sps_raid_status', { status: 'OK' })).toBe(0);
    expect(valueOf(samples, 'sps_raid_disk_status', { disk: '252:1', status: 'MISSING' })).toBe(1);
    expect(valueOf(samples, 'sps_raid_disk_status', { disk: '252:1', status: 'OK' })).toBe(0);
    expect(warnings).toEqual(['unknown RAID status "MELTING"']);
  });

  it('maps each documented RAID state to its code', () => {
    const codes = { OK: 0, WARNING: 1, DEGRADED: 2, DEGRADED_SYNCING: 3, CRITICAL: 4 };
    for (const [status, code] of Object.entries(codes)) {
      const raw = seed();
      raw.raid.status = { status, detailed_status: 'rebuild', operation_progress: 42.5 };
      const { samples } = collect(raw);
      expect(valueOf(samples, 'sps_raid_status_code')).toBe(code);
      expect(valueOf(samples, 'sps_raid_status', { status })).toBe(1);
      expect(valueOf(samples, 'sps_raid_operation_progress_ratio')).toBeCloseTo(0.425);
    }
  });

  it('adds up worker groups that share capabilities and address instead of duplicating a series', () => {
    const raw = seed();
    raw.indexer.indexer_status.push({
      capabilities: ['index'],
      ip: '127.0.0.1',
      workers_count: 2,
      idle_workers_count: 0,
      indexer_jobs: 3,
      screenshot_jobs: 0,
      video_jobs: 0,
    });
    raw.indexer.indexer_status.push(null, 'junk', { capabilities: 'index', workers_count: 'x' });
    raw.indexer.remaining_tasks = [{ connection: 'ssh_connection' }, {}];
    const { samples } = collect(raw);
    expect(valueOf(samples, 'sps_indexer_workers', { capabilities: 'index', ip: '127.0.0.1' })).toBe(3);
    expect(valueOf(samples, 'sps_indexer_jobs', { capabilities: 'index', ip: '127.0.0.1', task: 'index' })).toBe(3);
    expect(valueOf(samples, 'sps_indexer_remaining_tasks')).toBe(2);
    const keys = seriesKeys(samples);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives memory fields with odd names no family, and says so', () => {
    const raw = seed();
    raw.system_details.memory['Weird-Name'] = 5;
    raw.system_details.memory.hugepages = 4096;
    const { samples, warnings } = collect(raw);
    expect(valueOf(samples, 'sps_memory_hugepages_bytes')).toBe(4096);
    expect([...namesOf(samples)].some((n) => n.includes('Weird'))).toBe(false);
    expect(warnings).toEqual(['system_details.memory field "Weird-Name" has no metric name']);
  });

  it('exports nothing from an empty object', () => {
    expect(collect({}).samples).toEqual([]);
  });
});
