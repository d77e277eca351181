import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { NodePoller } from '../../src/poller/node.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { sendJson, startHttps, testTls, type Handler, type LocalServer } from '../helpers/https-server.js';
import { fixture } from '../helpers/fixtures.js';
import { lines, silentLog } from '../helpers/targets.js';
import { fakeAppliance } from '../../tools/simulator/appliance.js';
import { DAYS_NOTE, promtoolCheckMetrics } from '../helpers/http.js';

let now = Date.now();
const exposition = new Exposition();
const clock = () => now;
const pollers: NodePoller[] = [];
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A node that answers every endpoint with `bodies[path]` (404 for the rest). */
async function nodeServing(
  name: string,
  bodies: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  log = silentLog,
): Promise<NodePoller> {
  const handler: Handler = (req, res) => {
    const body = bodies[req.url ?? ''];
    return body === undefined ? sendJson(res, 404, {}) : sendJson(res, 200, body);
  };
  const server = await startHttps(fakeAppliance({ username: 'u', password: 'p', answer: handler }).handler);
  servers.push(server);
  const doc = {
    targets: [
      {
        name,
        url: server.url,
        username: 'u',
        password: 'p',
        timeout: '10s',
        max_response_bytes: 64 * 1024 * 1024,
        ...extra,
      },
    ],
  };
  const target = parseConfig(JSON.stringify(doc), 't', {}).targets[0]!;
  target.tls.ca = testTls().ca.certPem;
  const p = new NodePoller({ target, log, exposition, now: clock });
  pollers.push(p);
  return p;
}

const text = (p: NodePoller) => exposition.render(p.view(now)).toString('utf8');
const health = () => fixture('health_status.json');

describe('series limits per node', () => {
  it("a value outside its metric's range is a broken answer: dropped, counted by family with reason out_of_range, noted once", async () => {
    const logged: { msg?: string; level?: string }[] = [];
    const log = createLogger('info', { write: (line: string) => void logged.push(JSON.parse(line)) });
    const body = health();
    body.health_status.sessions.ssh = -3;
    body.health_status.system_details.memory.total = -8;
    body.health_status.system_details.disk.free = -100;
    body.health_status.swap = 1e306;
    body.health_status.cpu = 120; // 1.2: kept, within rounding and a queue over its nominal size
    const p = await nodeServing('broken-values', { '/api/health_status': body }, {}, log);
    await p.poll();
    await p.poll();
    const out = text(p);
    expect(lines(out, 'sps_active_sessions').filter((l) => l.includes('"ssh"'))).toEqual([]);
    expect(lines(out, 'sps_active_sessions').length).toBeGreaterThan(0); // the other protocols stay
    expect(lines(out, 'sps_memory_total_bytes')).toEqual([]);
    expect(lines(out, 'sps_disk_free_bytes')).toEqual([]);
    expect(lines(out, 'sps_swap_usage_ratio')).toEqual([]);
    expect(lines(out, 'sps_cpu_usage_ratio')).toEqual(['sps_cpu_usage_ratio{node="broken-values"} 1.2']);
    expect(lines(out, 'sps_disk_total_bytes')).toHaveLength(1);
    for (const family of [
      'sps_active_sessions',
      'sps_memory_total_bytes',
      'sps_disk_free_bytes',
      'sps_swap_usage_ratio',
    ]) {
      expect(out).toContain(
        `sps_exporter_samples_dropped_total{node="broken-values",family="${family}",reason="out_of_range"} 2`,
      );
    }
    const notes = logged.filter((l) => l.level === 'warn' && /outside the metric's range/.test(l.msg ?? ''));
    expect(notes).toHaveLength(4); // once per family, not per poll
  });

  it('200,000 roles in /api/info export at most series_limit_per_family series; the rest are counted and noted once', async () => {
    const logged: { msg?: string; level?: string }[] = [];
    const log = createLogger('info', { write: (line: string) => void logged.push(JSON.parse(line)) });
    const info = fixture('info_authenticated.json');
    info.body.roles = Array.from({ length: 200_000 }, (_, i) => `role-${i}`);
    const p = await nodeServing('hostile', { '/api/health_status': health(), '/api/info': info }, {}, log);
    await p.poll();
    await p.poll();
    const out = text(p);
    expect(lines(out, 'sps_node_role')).toHaveLength(1000);
    expect(lines(out, 'sps_exporter_samples_dropped_total')).toEqual([
      'sps_exporter_samples_dropped_total{node="hostile",family="sps_node_role",reason="series_limit"} 199000',
    ]);
    expect(out.split('\n').length).toBeLessThan(1300);
    expect(logged.filter((l) => l.msg?.startsWith('sps_node_role:'))).toHaveLength(1);
  });

  it('a label value over label_value_length_limit drops its series, counted; the limits are configurable', async () => {
    const info = fixture('info_authenticated.json');
    info.body.hostname = 'h'.repeat(3 * 1024 * 1024);
    const p = await nodeServing('hostile', { '/api/health_status': health(), '/api/info': info });
    await p.poll();
    const out = text(p);
    expect(lines(out, 'sps_info')).toEqual([]);
    expect(out).toContain(
      'sps_exporter_samples_dropped_total{node="hostile",family="sps_info",reason="label_value_length"} 1',
    );
    expect(out.length).toBeLessThan(64 * 1024);

    const roles = fixture('info_authenticated.json');
    roles.body.roles = ['a', 'b', 'c', 'd'];
    const small = await nodeServing(
      'small',
      { '/api/health_status': health(), '/api/info': roles },
      { series_limit_per_family: 2, label_value_length_limit: 16 },
    );
    await small.poll();
    expect(lines(text(small), 'sps_node_role')).toHaveLength(2);
    expect(text(small)).toContain(
      'sps_exporter_samples_dropped_total{node="small",family="sps_node_role",reason="series_limit"} 2',
    );
  });

  it('1000 cluster members with 1000 sync statuses: at most three series a member and the family limit, never a cross product', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      key: `k${i}`,
      fqdn: `m${i}.example`,
      sync_status: `state-${i}`,
      health_status: {},
    }));
    const p = await nodeServing(
      'cm',
      { '/api/health_status': health(), '/api/cluster/status': { items }, '/api/cluster/nodes': { items: [] } },
      { discover: 'cluster' },
    );
    await p.poll();
    const out = text(p);
    const sync = lines(out, 'sps_cluster_member_sync_status');
    expect(sync).toHaveLength(1000);
    expect(sync.filter((l) => l.includes('member="m0.example"'))).toEqual([
      'sps_cluster_member_sync_status{node="cm",cluster="cm",member="m0.example",status="synced"} 0',
      'sps_cluster_member_sync_status{node="cm",cluster="cm",member="m0.example",status="out of sync"} 0',
      'sps_cluster_member_sync_status{node="cm",cluster="cm",member="m0.example",status="state-0"} 1',
    ]);
    expect(out).toContain('family="sps_cluster_member_sync_status",reason="series_limit"} 2000');
    expect(out.length).toBeLessThan(2 * 1024 * 1024);
  });

  it('memory fields: documented ones always have their family; a node with 60 unknown fields neither crowds them out nor exceeds its budget', async () => {
    const junk = health();
    for (let i = 0; i < 60; i++) junk.health_status.system_details.memory[`junk_${i}`] = i;
    const hostile = await nodeServing('junk', { '/api/health_status': junk }, { series_limit_per_family: 40 });
    await hostile.poll();
    const junkOut = text(hostile);
    expect(junkOut.split('\n').filter((l) => /^sps_memory_junk_\d+_bytes\{/.test(l))).toHaveLength(40);
    expect(junkOut).toContain(
      'sps_exporter_samples_dropped_total{node="junk",family="sps_memory_<other>_bytes",reason="series_limit"} 20',
    );
    const healthy = await nodeServing('healthy', { '/api/health_status': health() });
    await healthy.poll();
    const out = text(healthy);
    for (const field of ['total', 'available', 'used', 'free', 'cached', 'buffers'])
      expect(lines(out, `sps_memory_${field}_bytes`)).toHaveLength(1);
    expect(promtoolCheckMetrics(junkOut).filter((line) => line !== DAYS_NOTE)).toEqual([]);
  });
});

describe('login rate', () => {
  it('warns once, clearly, when a node needs more logins than polls', async () => {
    const logged: { msg?: string; level?: string; logins?: number }[] = [];
    const log = createLogger('info', { write: (line: string) => void logged.push(JSON.parse(line)) });
    // A session is good for one request, and the config counts one request as proof: every request logs in.
    const appliance = fakeAppliance({
      username: 'u',
      password: 'p',
      sessionRequests: 1,
      answer: (req, res) => sendJson(res, 200, req.url === '/api/health_status' ? health() : {}),
    });
    const server = await startHttps(appliance.handler);
    servers.push(server);
    const doc = { targets: [{ name: 'lb', url: server.url, username: 'u', password: 'p', session_min_requests: 1 }] };
    const target = parseConfig(JSON.stringify(doc), 't', {}).targets[0]!;
    target.tls.ca = testTls().ca.certPem;
    const p = new NodePoller({ target, log, exposition, now: clock });
    pollers.push(p);
    for (let i = 0; i < 10; i++) {
      await p.poll();
      now += 30_000;
    }
    const warnings = logged.filter((l) => l.level === 'warn' && l.msg?.includes('more than one login per poll'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.logins).toBeGreaterThan(5);
  });
});
