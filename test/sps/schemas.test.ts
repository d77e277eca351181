import { describe, expect, it } from 'vitest';
import { SpsError } from '../../src/sps/errors.js';
import {
  ClusterNodeSchema,
  DiskFillupPreventionSchema,
  HealthMonitoringSchema,
  HealthStatusResponseSchema,
  IndexerDashboardSchema,
  InfoSchema,
  parseResponse,
  type ResponseSchema,
} from '../../src/sps/schemas.js';
import { fixture } from '../helpers/fixtures.js';

const failure = (schema: ResponseSchema<unknown>, json: unknown): unknown => {
  try {
    parseResponse(schema, json, '/api/x');
  } catch (error) {
    return error;
  }
  throw new Error('expected a parse failure');
};

describe('the response schemas', () => {
  it('read every sample response of the SPS REST reference', () => {
    for (const [schema, name] of [
      [HealthStatusResponseSchema, 'health_status.json'],
      [IndexerDashboardSchema, 'indexer_dashboard.json'],
      [InfoSchema, 'info_authenticated.json'],
      [HealthMonitoringSchema, 'health_monitoring.json'],
      [DiskFillupPreventionSchema, 'disk_fillup_prevention.json'],
      [ClusterNodeSchema, 'cluster_node.json'],
    ] as const)
      expect(() => parseResponse(schema as ResponseSchema<unknown>, fixture(name), name), name).not.toThrow();
  });

  it('take health_status: null, and both spellings of the session total real appliances send', () => {
    expect(parseResponse(HealthStatusResponseSchema, { health_status: null }, '/api/health_status')).toEqual({
      health_status: null,
    });
    const health = (fields: object) =>
      parseResponse(HealthStatusResponseSchema, { health_status: fields }, '/api/health_status').health_status!;
    expect(health({ sessions_total: 4 }).sessions_total).toBe(4);
    expect(health({ total_sessions: 5 }).total_sessions).toBe(5);
  });

  it('read a field of the wrong type as missing, never guessing at a numeric string, and keep the rest', () => {
    const { health_status } = parseResponse(
      HealthStatusResponseSchema,
      { health_status: { cpu: '12', memory: 40, load1: null, sessions: { ssh: 2, rdp: 'x' } } },
      '/api/health_status',
    );
    expect(health_status!.cpu).toBeUndefined();
    expect(health_status!.memory).toBe(40);
    expect(health_status!.load1).toBeUndefined();
    expect([...health_status!.sessions!]).toEqual([['ssh', 2]]);
  });

  it('read service states as the reference says (booleans) and as appliances send them (systemd state strings)', () => {
    const { required_service_statuses } = parseResponse(
      IndexerDashboardSchema,
      { certificates: {}, required_service_statuses: { a: true, b: 'active', c: 'failed' } },
      '/api/indexer/dashboard',
    );
    expect([...required_service_statuses!]).toEqual([
      ['a', true],
      ['b', 'active'],
      ['c', 'failed'],
    ]);
  });

  it('fail a response of another shape as reason parse, naming the path and never its content', () => {
    for (const json of [{}, [], 'login page', null, { body: 'x' }]) {
      const error = failure(HealthStatusResponseSchema, json);
      expect(error).toBeInstanceOf(SpsError);
      expect((error as SpsError).reason).toBe('parse');
      expect((error as SpsError).message).toBe('response to /api/x has an unexpected shape');
    }
    expect(failure(ClusterNodeSchema, { body: { roles: [] } })).toBeInstanceOf(SpsError); // a member without an address
  });
});
