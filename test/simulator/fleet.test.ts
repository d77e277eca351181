import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'undici';
import { Fleet, SESSION_IDLE_MS } from '../../tools/simulator/fleet.js';
import {
  clusterKey,
  clusterNode,
  clusterNodes,
  clusterStatus,
  diskFillupPrevention,
  firmwareSlots,
  healthMonitoring,
  healthStatus,
  indexerDashboard,
  info,
  opensslDate,
  SCENARIOS,
  type SimNodeModel,
} from '../../tools/simulator/responses.js';
import { parseOpensslDate } from '../../src/collect/openssl-date.js';
import { fixture, parseBody } from '../helpers/fixtures.js';
import { ClusterNodesSchema, ClusterStatusSchema, FirmwareSlotsSchema } from '../../src/sps/schemas.js';

/** Every key path of a JSON value, arrays by their first element. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length ? shape(value[0], `${prefix}[]`) : [];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...shape(v, `${prefix}.${k}`)]);
  return [];
}
const sorted = (v: unknown) => [...new Set(shape(v))].sort();
const model = (scenario: SimNodeModel['scenario']): SimNodeModel => ({
  name: 'n',
  index: 1,
  scenario,
  startedAt: Date.now(),
});

describe('simulated responses', () => {
  it("have exactly the seed samples' shape", () => {
    expect(sorted(healthStatus(model('healthy'), Date.now()))).toEqual(sorted(fixture('health_status.json')));
    expect(sorted(indexerDashboard(model('healthy')))).toEqual(sorted(fixture('indexer_dashboard.json')));
    const authenticated = sorted((info(model('healthy'), true) as { body: unknown }).body);
    expect(authenticated).toEqual(sorted(fixture('info_authenticated.json').body));
    expect(sorted((info(model('healthy'), false) as { body: unknown }).body)).toEqual(
      sorted(fixture('info_anonymous.json').body),
    );
    expect(sorted(healthMonitoring(model('healthy')))).toEqual(sorted(fixture('health_monitoring.json')));
    expect(sorted(diskFillupPrevention(model('healthy')))).toEqual(sorted(fixture('disk_fillup_prevention.json')));
    expect(sorted(clusterNode({ ...model('healthy'), address: '127.0.0.2' }))).toEqual(
      sorted(fixture('cluster_node.json')),
    );
  });

  // The REST reference pages have no sample of these answers (only field tables, or nothing for
  // firmware slots before 7.1): the simulator's are read by the exporter's own schemas instead.
  it('has answers without a reference sample that the exporter reads whole, nothing skipped', () => {
    const members = [0, 1, 2].map((index) => ({ ...model(index === 2 ? 'hang' : 'healthy'), index }));
    const status = parseBody(ClusterStatusSchema, clusterStatus(members, Date.now()));
    expect(status.items.map((item) => [item?.fqdn, item?.sync_status])).toEqual([
      ['n.sps.example', 'synced'],
      ['n.sps.example', 'synced'],
      ['n.sps.example', 'synced'],
    ]);
    expect(parseBody(ClusterNodesSchema, clusterNodes(members)).items.map((item) => item?.key)).toEqual(
      members.map((node) => clusterKey(node)),
    );
    for (const scenario of ['healthy', 'firmware_staged'] as const) {
      const slots = parseBody(FirmwareSlotsSchema, firmwareSlots(model(scenario)));
      expect(slots.items.every((item) => item !== undefined)).toBe(true);
    }
  });

  it("legacy firmware sends the field table's shapes: total_sessions and boolean service states", () => {
    const health = healthStatus(model('legacy_firmware'), Date.now()) as { health_status: Record<string, unknown> };
    expect(health.health_status.total_sessions).toBeTypeOf('number');
    expect(health.health_status).not.toHaveProperty('sessions_total');
    const dash = indexerDashboard(model('legacy_firmware')) as { required_service_statuses: Record<string, unknown> };
    expect(Object.values(dash.required_service_statuses).every((v) => typeof v === 'boolean')).toBe(true);
  });

  it('moves values over time', () => {
    const node = model('healthy');
    const a = healthStatus(node, node.startedAt) as { health_status: { load1: number; cpu: number } };
    const b = healthStatus(node, node.startedAt + 120_000) as { health_status: { load1: number; cpu: number } };
    expect([a.health_status.load1, a.health_status.cpu]).not.toEqual([b.health_status.load1, b.health_status.cpu]);
  });

  it('prints certificate dates the way the collector reads them', () => {
    const ms = Date.UTC(2026, 0, 5, 3, 4, 5);
    expect(opensslDate(ms)).toBe('Jan 5 03:04:05 2026 GMT');
    expect(parseOpensslDate(opensslDate(ms))).toBe(ms);
  });
});

describe('Fleet', () => {
  let now = Date.now();
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start({
      nodes: [{ name: 'a' }, { name: 'flap', scenario: 'flapping' }],
      flapPeriodMs: 60_000,
      now: () => now,
    });
  });
  afterAll(() => fleet.close());

  async function get(url: string, path: string, headers: Record<string, string> = {}) {
    const client = new Client(url, { connect: { ca: fleet.caPem } });
    try {
      const res = await client.request({ method: 'GET', path, headers });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    } finally {
      await client.close();
    }
  }
  const basic = (password: string) => ({
    authorization: `Basic ${Buffer.from(`${fleet.username}:${password}`).toString('base64')}`,
  });

  it('answers each node on its own port, with cookie sessions that idle out after 20 minutes', async () => {
    const node = fleet.node('a')!;
    expect((await get(node.url, '/api/health_status')).status).toBe(401);
    expect((await get(node.url, '/api/authentication', basic('wrong'))).status).toBe(401);
    const login = await get(node.url, '/api/authentication', basic(fleet.password));
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^session_id=[0-9a-f]{40}$/);
    expect((await get(node.url, '/api/health_status', { cookie })).status).toBe(200);
    now += SESSION_IDLE_MS - 1;
    expect((await get(node.url, '/api/indexer/dashboard', { cookie })).status).toBe(200);
    now += SESSION_IDLE_MS + 1;
    expect((await get(node.url, '/api/health_status', { cookie })).status).toBe(401);
    expect(node.logins).toBe(1);
    expect(node.failedLogins).toBe(1);
    const anonymous = JSON.parse((await get(node.url, '/api/info')).body) as { body: Record<string, unknown> };
    expect(anonymous.body).not.toHaveProperty('firmware_version');
  });

  it('a flapping node answers 503 every other period', async () => {
    const node = fleet.node('flap')!;
    const login = await get(node.url, '/api/authentication', basic(fleet.password));
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      now = node.startedAt + i * 60_000 + 1_000;
      statuses.push((await get(node.url, '/api/health_status', { cookie })).status);
    }
    expect(statuses).toEqual([200, 503, 200, 503]);
  });

  it('knows every scenario the issue names', () => {
    expect(SCENARIOS).toEqual(
      expect.arrayContaining([
        'healthy',
        'raid_degraded',
        'cert_expiring',
        'indexer_down',
        'slow',
        'flapping',
        'wrong_password',
        'malformed_json',
      ]),
    );
  });
});

describe('Fleet web certificates', () => {
  it("serves a node a web certificate with the lifetime asked for, signed by the fleet's CA, and the others the fleet's", async () => {
    const fleet = await Fleet.start({ nodes: [{ name: 'short', certificateDays: 20 }, { name: 'plain' }] });
    try {
      const notAfter = (url: string) =>
        new Promise<number>((resolve, reject) => {
          const { hostname, port } = new URL(url);
          const socket = tlsConnect(
            { host: hostname, port: Number(port), ca: fleet.caPem, servername: 'localhost' },
            () => {
              resolve(Date.parse(socket.getPeerCertificate().valid_to));
              socket.end();
            },
          );
          socket.on('error', reject);
        });
      const days = (ms: number) => (ms - Date.now()) / 86_400_000;
      expect(days(await notAfter(fleet.node('short')!.url))).toBeCloseTo(20, 0);
      expect(days(await notAfter(fleet.node('plain')!.url))).toBeGreaterThan(300);
    } finally {
      await fleet.close();
    }
  });
});

describe('Fleet in cluster mode', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start({
      nodes: [{ name: 'cm' }, { name: 'one' }, { name: 'two', scenario: 'hang' }],
      cluster: true,
    });
  });
  afterAll(() => fleet.close());

  async function session(url: string) {
    const client = new Client(url, { connect: { ca: fleet.caPem } });
    const authorization = `Basic ${Buffer.from(`${fleet.username}:${fleet.password}`).toString('base64')}`;
    const login = await client.request({ method: 'GET', path: '/api/authentication', headers: { authorization } });
    await login.body.dump();
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    return {
      get: async (path: string) => {
        const res = await client.request({ method: 'GET', path, headers: { cookie } });
        return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
      },
      close: () => client.close(),
    };
  }

  it('puts every node on its own loopback address at one port, each answering as itself', async () => {
    expect(fleet.nodes.map((n) => n.url)).toEqual(
      ['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((a) => `https://${a}:${fleet.nodes[0]!.port}`),
    );
    const one = await session(fleet.node('one')!.url);
    expect((await one.get('/api/health_status')).status).toBe(200);
    await one.close();
    expect(fleet.nodes.map((n) => n.logins)).toEqual([0, 1, 0]);
  });

  it("lists the members on the Central Management node in the seeds' shapes, one of them down, and follows leaves and joins", async () => {
    const cm = await session(fleet.nodes[0]!.url);
    try {
      const list = (await cm.get('/api/cluster/nodes')).json as { items: { key: string; meta: { href: string } }[] };
      expect(list.items).toHaveLength(3);
      const member = await cm.get(list.items[1]!.meta.href);
      expect(member.json).toMatchObject({ body: { address: '127.0.0.2', roles: [] }, key: list.items[1]!.key });
      expect(((await cm.get(list.items[0]!.meta.href)).json as { body: { roles: string[] } }).body.roles).toEqual([
        'central-management',
      ]);
      const status = (await cm.get('/api/cluster/status')).json as {
        items: { fqdn: string; health_status: unknown }[];
      };
      expect(status.items.map((i) => `${i.fqdn} ${i.health_status === null ? 'down' : 'up'}`)).toEqual([
        'cm.sps.example up',
        'one.sps.example up',
        'two.sps.example down',
      ]);
      fleet.leaveCluster('one');
      expect(((await cm.get('/api/cluster/nodes')).json as { items: unknown[] }).items).toHaveLength(2);
      expect((await cm.get(list.items[1]!.meta.href)).status).toBe(404);
      fleet.joinCluster('one');
      expect(((await cm.get('/api/cluster/status')).json as { items: unknown[] }).items).toHaveLength(3);
      // Members do not answer for the cluster.
      const one = await session(fleet.node('one')!.url);
      expect((await one.get('/api/cluster/nodes')).status).toBe(404);
      await one.close();
    } finally {
      await cm.close();
    }
  });
});
