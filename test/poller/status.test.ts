import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/collect/families.js';
import { statusSamples, type NodeStatus } from '../../src/poller/status.js';

const client = { logins: 2, connections: 1, loginFailures: new Map<string, number>() };

describe('statusSamples', () => {
  it('a node never polled has sps_up 0 and its counters at zero, and no times it does not know', () => {
    const samples = statusSamples({
      up: false,
      endpointUp: new Map(),
      lastPollAt: undefined,
      lastSuccessAt: undefined,
      lastDurationSeconds: undefined,
      polls: 0,
      errors: new Map(),
      dropped: new Map(),
      client: { logins: 0, connections: 0, loginFailures: new Map() },
    });
    expect(samples.map((s) => [s.family.name, s.value])).toEqual([
      ['sps_up', 0],
      ['sps_exporter_polls_total', 0],
      ['sps_exporter_logins_total', 0],
      ['sps_exporter_connections_total', 0],
    ]);
  });

  it('gives every endpoint, error, dropped sample and login failure its own series, times in Unix seconds', () => {
    const status: NodeStatus = {
      up: true,
      endpointUp: new Map([
        ['health_status', true],
        ['info', false],
      ]),
      lastPollAt: 1_700_000_000_500,
      lastSuccessAt: 1_700_000_000_000,
      lastDurationSeconds: 0.25,
      polls: 7,
      errors: new Map([['info\0timeout', 3]]),
      dropped: new Map([['sps_active_sessions\0out_of_range', 1]]),
      client: { ...client, loginFailures: new Map([['auth', 1]]) },
    };
    const samples = statusSamples(status);
    const find = (family: (typeof METRICS)[keyof typeof METRICS]) =>
      samples.filter((s) => s.family === family).map((s) => [s.labels, s.value]);
    expect(find(METRICS.up)).toEqual([[undefined, 1]]);
    expect(find(METRICS.endpointUp)).toEqual([
      [{ api_endpoint: 'health_status' }, 1],
      [{ api_endpoint: 'info' }, 0],
    ]);
    expect(find(METRICS.lastPoll)).toEqual([[undefined, 1_700_000_000.5]]);
    expect(find(METRICS.lastSuccess)).toEqual([[undefined, 1_700_000_000]]);
    expect(find(METRICS.pollDuration)).toEqual([[undefined, 0.25]]);
    expect(find(METRICS.pollErrors)).toEqual([[{ api_endpoint: 'info', reason: 'timeout' }, 3]]);
    expect(find(METRICS.samplesDropped)).toEqual([[{ family: 'sps_active_sessions', reason: 'out_of_range' }, 1]]);
    expect(find(METRICS.loginFailures)).toEqual([[{ reason: 'auth' }, 1]]);
    expect(find(METRICS.logins)).toEqual([[undefined, 2]]);
    expect(find(METRICS.connections)).toEqual([[undefined, 1]]);
  });
});
