import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Exposition } from '../../src/exposition/exposition.js';
import { NodePoller } from '../../src/poller/node.js';
import { SLOW_REFRESH_MS } from '../../src/collect/endpoints.js';
import { fakeAppliance } from '../../tools/simulator/appliance.js';
import { Fleet } from '../../tools/simulator/fleet.js';
import { fleetTarget, lines, silentLog } from '../helpers/targets.js';
import { createLogger, type Logger } from '../../src/log.js';
import { sendJson, startHttps, testTls, type Handler, type LocalServer } from '../helpers/https-server.js';
import { fixture } from '../helpers/fixtures.js';
import { parseConfig } from '../../src/config/load.js';
import { DAYS_NOTE, promtoolCheckMetrics } from '../helpers/http.js';
import type { ServerResponse } from 'node:http';
import type { ClusterMember } from '../../src/sps/cluster.js';

let fleet: Fleet;
let now = Date.now();
const exposition = new Exposition();
const clock = () => now;
const pollers: NodePoller[] = [];
const servers: LocalServer[] = [];

beforeAll(async () => {
  fleet = await Fleet.start({
    nodes: [
      { name: 'good' },
      { name: 'locked', scenario: 'wrong_password' },
      { name: 'broken', scenario: 'malformed_json' },
    ],
    now: clock,
  });
});
afterAll(() => fleet.close());
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function poller(name: string): NodePoller {
  const p = new NodePoller({ target: fleetTarget(fleet, name), log: silentLog, exposition, now: clock });
  pollers.push(p);
  return p;
}

/** A poller for node "good" pointed at a local HTTPS appliance (SPS's sessions) whose requests after login `handler` answers. */
async function pollerAgainst(
  handler: Handler,
  targetExtra: Record<string, unknown> = {},
  { onMembers, log = silentLog }: { onMembers?: (members: ClusterMember[]) => void; log?: Logger } = {},
): Promise<{ server: LocalServer; p: NodePoller }> {
  const appliance = fakeAppliance({ username: fleet.username, password: fleet.password, answer: handler });
  const server = await startHttps(appliance.handler);
  servers.push(server);
  const doc = {
    targets: [
      {
        name: 'good',
        url: server.url,
        username: fleet.username,
        password: fleet.password,
        timeout: '5s',
        ...targetExtra,
      },
    ],
  };
  const target = parseConfig(JSON.stringify(doc), 't', {}).targets[0]!;
  target.tls.ca = testTls().ca.certPem;
  const p = new NodePoller({ target, log, exposition, now: clock, onMembers });
  pollers.push(p);
  return { server, p };
}

const text = (p: NodePoller) => exposition.render(p.view(now)).toString('utf8');

describe('NodePoller', () => {
  it('polls a healthy node: up, every endpoint, info, one login', async () => {
    const p = poller('good');
    await p.poll();
    const out = text(p);
    expect(lines(out, 'sps_up')).toEqual(['sps_up{node="good"} 1']);
    for (const endpoint of ['health_status', 'indexer_dashboard', 'info'])
      expect(out).toContain(`sps_endpoint_up{node="good",api_endpoint="${endpoint}"} 1`);
    expect(lines(out, 'sps_info')).toHaveLength(1);
    expect(out).toContain('sps_node_role{node="good",role="central-management"} 1');
    expect(lines(out, 'sps_raid_status_code')).toEqual(['sps_raid_status_code{node="good"} 0']);
    expect(lines(out, 'sps_exporter_logins_total')).toEqual(['sps_exporter_logins_total{node="good"} 1']);
    expect(lines(out, 'sps_last_success_timestamp_seconds')).toEqual([
      `sps_last_success_timestamp_seconds{node="good"} ${now / 1000}`,
    ]);
  });

  it('reuses its session and reads /api/info again only after 10 minutes or a new login', async () => {
    const p = poller('good');
    const node = fleet.node('good')!;
    const before = { logins: node.logins, requests: node.requests };
    for (let i = 0; i < 5; i++) {
      await p.poll();
      now += 30_000;
    }
    expect(node.logins - before.logins).toBe(1);
    expect(lines(text(p), 'sps_exporter_connections_total')).toEqual(['sps_exporter_connections_total{node="good"} 1']);
    expect(node.requests - before.requests).toBe(1 + 5 * 2 + 1 + 3); // login, 2 endpoints a poll, info, the 2 configuration endpoints and the firmware slots once
    now += SLOW_REFRESH_MS;
    await p.poll();
    expect(node.requests - before.requests).toBe(1 + 6 * 2 + 2 + 6);
    expect(lines(text(p), 'sps_exporter_polls_total')).toEqual(['sps_exporter_polls_total{node="good"} 6']);
  });

  it('logs in again after the 20-minute idle expiry, once', async () => {
    const p = poller('good');
    const node = fleet.node('good')!;
    await p.poll();
    const logins = node.logins;
    now += 21 * 60_000;
    await p.poll();
    expect(node.logins).toBe(logins + 1);
    expect(lines(text(p), 'sps_up')).toEqual(['sps_up{node="good"} 1']);
    expect(lines(text(p), 'sps_exporter_logins_total')).toEqual(['sps_exporter_logins_total{node="good"} 2']);
  });

  it('serves data for three intervals, then only sps_up 0 and the poll metrics', async () => {
    const p = poller('good');
    await p.poll();
    now += 3 * 30_000 - 1;
    expect(lines(text(p), 'sps_up')).toEqual(['sps_up{node="good"} 1']);
    expect(lines(text(p), 'sps_load1')).toHaveLength(1);
    now += 1;
    const stale = text(p);
    expect(lines(stale, 'sps_up')).toEqual(['sps_up{node="good"} 0']);
    const names = new Set(
      stale
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.slice(0, l.indexOf('{'))),
    );
    expect([...names].sort()).toEqual([
      'sps_endpoint_up',
      'sps_exporter_connections_total',
      'sps_exporter_login_failures_total',
      'sps_exporter_logins_total',
      'sps_exporter_polls_total',
      'sps_last_poll_timestamp_seconds',
      'sps_last_success_timestamp_seconds',
      'sps_poll_duration_seconds',
      'sps_up',
    ]);
  });

  it('a wrong password fails every endpoint as auth with one login attempt, and backs off', async () => {
    const p = poller('locked');
    const node = fleet.node('locked')!;
    const before = node.failedLogins;
    await p.poll();
    await p.poll();
    expect(node.failedLogins - before).toBe(1);
    const out = text(p);
    expect(lines(out, 'sps_up')).toEqual(['sps_up{node="locked"} 0']);
    expect(out).toContain('sps_exporter_poll_errors_total{node="locked",api_endpoint="health_status",reason="auth"} 2');
    expect(out).toContain(
      'sps_exporter_poll_errors_total{node="locked",api_endpoint="indexer_dashboard",reason="auth"} 2',
    );
    expect(lines(out, 'sps_exporter_login_failures_total')).toEqual([
      'sps_exporter_login_failures_total{node="locked",reason="auth"} 1',
    ]);
    expect(p.lastError).toMatchObject({ reason: 'auth' });
    expect(lines(out, 'sps_load1')).toEqual([]);
  });

  it('a node-wide failure is reported where it happened, and warned of once: the endpoints it skipped are counted and down, not logged', async () => {
    const logged: { endpoint?: string; msg?: string; level?: string }[] = [];
    const log = createLogger('debug', { write: (line: string) => void logged.push(JSON.parse(line)) }).child({
      node: 'locked',
    });
    const p = new NodePoller({ target: fleetTarget(fleet, 'locked'), log: log, exposition, now: clock });
    pollers.push(p);
    await p.poll();
    const out = text(p);
    expect(p.lastError).toMatchObject({ endpoint: 'health_status', reason: 'auth' });
    for (const endpoint of ['health_status', 'indexer_dashboard', 'info']) {
      expect(out).toContain(`sps_exporter_poll_errors_total{node="locked",api_endpoint="${endpoint}",reason="auth"} 1`);
      expect(out).toContain(`sps_endpoint_up{node="locked",api_endpoint="${endpoint}"} 0`);
    }
    const warned = () => logged.filter((l) => l.msg === 'poll failed' && l.level === 'warn').map((l) => l.endpoint);
    expect(warned()).toEqual(['health_status']);
    await p.poll(); // the same failure again (backing off now): at debug only
    expect(warned()).toEqual(['health_status']);
    expect(logged.filter((l) => l.msg === 'poll failed' && l.level === 'debug').map((l) => l.endpoint)).toEqual([
      'health_status',
    ]);
  });

  it('two endpoints failing on every poll for a minute: one warning each when the failure starts or changes, info when it recovers', async () => {
    const logged: { endpoint?: string; msg?: string; level?: string; reason?: string }[] = [];
    const log = createLogger('debug', { write: (line: string) => void logged.push(JSON.parse(line)) });
    let status = 500;
    const { p } = await pollerAgainst(
      (req, res) => {
        if (req.url === '/api/health_status') return sendJson(res, 200, fixture('health_status.json'));
        sendJson(res, status, status === 200 ? '{"truncated' : { error: 'broken' }); // indexer_dashboard and info, whose failed read is tried at every poll
      },
      {},
      { log },
    );
    const warnings = () =>
      logged.filter((l) => l.msg === 'poll failed' && l.level === 'warn').map((l) => `${l.endpoint}:${l.reason}`);
    for (let i = 0; i < 20; i++, now += 3_000) await p.poll(); // a minute of 3-second polls
    expect(warnings()).toEqual(['indexer_dashboard:http', 'info:http']);
    status = 200; // now answered, but with broken JSON: the failure changed
    await p.poll();
    expect(warnings()).toEqual(['indexer_dashboard:http', 'info:http', 'indexer_dashboard:parse', 'info:parse']);
    for (let i = 0; i < 5; i++, now += 3_000) await p.poll();
    expect(warnings()).toHaveLength(4);
    expect(logged.filter((l) => l.msg === 'endpoint recovered')).toEqual([]);
  });

  it('an endpoint that recovers is logged at info, once', async () => {
    const logged: { endpoint?: string; msg?: string; level?: string }[] = [];
    const log = createLogger('debug', { write: (line: string) => void logged.push(JSON.parse(line)) });
    let broken = true;
    const { p } = await pollerAgainst(
      (req, res) => {
        if (req.url === '/api/health_status') return sendJson(res, 200, fixture('health_status.json'));
        if (req.url === '/api/indexer/dashboard' && broken) return sendJson(res, 503, 'busy');
        if (req.url === '/api/indexer/dashboard') return sendJson(res, 200, fixture('indexer_dashboard.json'));
        sendJson(res, 200, fixture('info_authenticated.json'));
      },
      {},
      { log },
    );
    await p.poll();
    broken = false;
    await p.poll();
    await p.poll();
    expect(logged.filter((l) => l.level === 'info' && l.msg === 'endpoint recovered').map((l) => l.endpoint)).toEqual([
      'indexer_dashboard',
    ]);
  });

  it('an endpoint turned off in the config is never requested, and its series are absent, sps_endpoint_up included', async () => {
    const health = fixture('health_status.json');
    const { server, p } = await pollerAgainst(
      (req, res) => {
        if (req.url === '/api/health_status') return sendJson(res, 200, health);
        if (req.url === '/api/indexer/dashboard') return sendJson(res, 200, fixture('indexer_dashboard.json'));
        if (req.url === '/api/info') return sendJson(res, 200, fixture('info_authenticated.json'));
        sendJson(res, 404, {});
      },
      { endpoints: { info: false, firmware_slots: false, health_monitoring: false, disk_fillup_prevention: true } },
    );
    for (let i = 0; i < 3; i++, now += 30_000) await p.poll();
    const paths = new Set(server.requests.map((r) => r.path));
    expect(paths).toEqual(
      new Set([
        '/api/authentication',
        '/api/health_status',
        '/api/indexer/dashboard',
        '/api/configuration/management/disk_fillup_prevention',
      ]),
    );
    const out = text(p);
    expect(lines(out, 'sps_info')).toEqual([]);
    expect(
      lines(out, 'sps_endpoint_up')
        .map((l) => /api_endpoint="([a-z_]+)"/.exec(l)![1])
        .sort(),
    ).toEqual(['disk_fillup_prevention', 'health_status', 'indexer_dashboard']);
    expect(out).not.toContain('api_endpoint="info"');
    expect(lines(out, 'sps_up')).toEqual(['sps_up{node="good"} 1']);
  });

  it('malformed JSON on health_status is a parse error; the dashboard still exports', async () => {
    const p = poller('broken');
    await p.poll();
    const out = text(p);
    expect(lines(out, 'sps_up')).toEqual(['sps_up{node="broken"} 0']);
    expect(out).toContain(
      'sps_exporter_poll_errors_total{node="broken",api_endpoint="health_status",reason="parse"} 1',
    );
    expect(out).toContain('sps_endpoint_up{node="broken",api_endpoint="indexer_dashboard"} 1');
    expect(lines(out, 'sps_certificate_expiry_days')).toHaveLength(3);
  });

  it('health_status: null is no_data; a 404 on the dashboard leaves the node up', async () => {
    const health = fixture('health_status.json');
    let nullHealth = true;
    const { p } = await pollerAgainst((req, res) => {
      if (req.url === '/api/health_status') return sendJson(res, 200, nullHealth ? { health_status: null } : health);
      if (req.url === '/api/info') return sendJson(res, 200, fixture('info_authenticated.json'));
      return sendJson(res, 404, { error: { type: 'NotFound' } });
    });
    await p.poll();
    expect(text(p)).toContain(
      'sps_exporter_poll_errors_total{node="good",api_endpoint="health_status",reason="no_data"} 1',
    );
    expect(lines(text(p), 'sps_up')).toEqual(['sps_up{node="good"} 0']);
    nullHealth = false;
    await p.poll();
    const out = text(p);
    expect(lines(out, 'sps_up')).toEqual(['sps_up{node="good"} 1']);
    expect(out).toContain('sps_endpoint_up{node="good",api_endpoint="indexer_dashboard"} 0');
    expect(out).toContain(
      'sps_exporter_poll_errors_total{node="good",api_endpoint="indexer_dashboard",reason="http"} 2',
    );
    expect(lines(out, 'sps_active_sessions_reported')).toEqual(['sps_active_sessions_reported{node="good"} 28']);
  });

  it("exports the appliance's own thresholds, and a 403 or 404 on them never marks the node down", async () => {
    const health = fixture('health_status.json');
    let configStatus = 200;
    const { server, p } = await pollerAgainst((req, res) => {
      if (req.url === '/api/health_status') return sendJson(res, 200, health);
      if (req.url === '/api/indexer/dashboard') return sendJson(res, 200, fixture('indexer_dashboard.json'));
      if (req.url === '/api/info') return sendJson(res, 200, fixture('info_authenticated.json'));
      if (configStatus !== 200) return sendJson(res, configStatus, { error: { type: 'Unauthorized' } });
      if (req.url === '/api/configuration/management/health_monitoring')
        return sendJson(res, 200, fixture('health_monitoring.json'));
      return sendJson(res, 200, fixture('disk_fillup_prevention.json'));
    });
    await p.poll();
    let out = text(p);
    expect(lines(out, 'sps_threshold_disk_usage_ratio')).toEqual(['sps_threshold_disk_usage_ratio{node="good"} 0.8']);
    expect(lines(out, 'sps_threshold_swap_usage_ratio')).toEqual(['sps_threshold_swap_usage_ratio{node="good"} 0.7']);
    expect(lines(out, 'sps_threshold_load')).toEqual([]); // all null in the reference sample
    expect(lines(out, 'sps_disk_fillup_prevention_enabled')).toEqual([
      'sps_disk_fillup_prevention_enabled{node="good"} 1',
    ]);
    expect(lines(out, 'sps_disk_fillup_prevention_limit_ratio')).toEqual([
      'sps_disk_fillup_prevention_limit_ratio{node="good"} 0.9',
    ]);

    for (const status of [403, 404]) {
      configStatus = status;
      const configRequests = () => server.requests.filter((r) => r.path.startsWith('/api/configuration/')).length;
      const before = configRequests();
      now += SLOW_REFRESH_MS;
      await p.poll();
      await p.poll(); // within 10 minutes: not asked again
      expect(configRequests() - before).toBe(2);
      out = text(p);
      expect(lines(out, 'sps_up')).toEqual(['sps_up{node="good"} 1']);
      expect(out).toContain('sps_endpoint_up{node="good",api_endpoint="health_monitoring"} 0');
      expect(out).toContain(
        `sps_exporter_poll_errors_total{node="good",api_endpoint="disk_fillup_prevention",reason="${status === 403 ? 'auth' : 'http'}"} 1`,
      );
      expect(lines(out, 'sps_load1')).toHaveLength(1);
    }
  });

  it("reads the Central Management node's view of its cluster and its member list when the target says discover: cluster", async () => {
    const cluster = await Fleet.start({
      nodes: [{ name: 'cm' }, { name: 'm1' }, { name: 'm2', scenario: 'hang' }],
      cluster: true,
      now: clock,
    });
    try {
      const target = parseConfig(
        JSON.stringify({
          targets: [
            {
              name: 'cm',
              url: cluster.nodes[0]!.url,
              username: cluster.username,
              password: cluster.password,
              discover: 'cluster',
              interval: '30s',
              discovery_interval: '5m',
            },
          ],
        }),
        't',
        {},
      ).targets[0]!;
      target.tls.ca = cluster.caPem;
      const found: ClusterMember[][] = [];
      const p = new NodePoller({
        target,
        log: silentLog,
        exposition,
        now: clock,
        onMembers: (members) => found.push(members),
      });
      pollers.push(p);
      await p.poll();
      await vi.waitFor(() => expect(found).toHaveLength(1)); // the member list is read beside the polls, not within them
      const out = text(p);
      expect(lines(out, 'sps_cluster_member_up')).toEqual([
        'sps_cluster_member_up{node="cm",cluster="cm",member="cm.sps.example"} 1',
        'sps_cluster_member_up{node="cm",cluster="cm",member="m1.sps.example"} 1',
        'sps_cluster_member_up{node="cm",cluster="cm",member="m2.sps.example"} 0',
      ]);
      expect(lines(out, 'sps_cluster_member_last_seen_timestamp_seconds')).toHaveLength(3);
      expect(out).toContain(
        'sps_cluster_member_sync_status{node="cm",cluster="cm",member="m1.sps.example",status="synced"} 1',
      );
      expect(out).toContain('sps_endpoint_up{node="cm",cluster="cm",api_endpoint="cluster_status"} 1');
      expect(out).toContain('sps_endpoint_up{node="cm",cluster="cm",api_endpoint="cluster_nodes"} 1');
      expect(found).toEqual([
        [
          {
            key: '00000000-0000-4000-8000-000000000000',
            address: '127.0.0.1',
            roles: ['central-management'],
            fqdn: 'cm.sps.example',
          },
          { key: '00000000-0000-4000-8000-000000000001', address: '127.0.0.2', roles: [], fqdn: 'm1.sps.example' },
          { key: '00000000-0000-4000-8000-000000000002', address: '127.0.0.3', roles: [], fqdn: 'm2.sps.example' },
        ],
      ]);
      // The member list is read at least once per discovery interval (5m: every tenth 30 s poll), the status on every poll.
      for (let i = 1; i < 10; i++) {
        now += 30_000;
        await p.poll();
      }
      expect(found).toHaveLength(1);
      cluster.leaveCluster('m2');
      now += 30_000;
      await p.poll();
      await vi.waitFor(() => expect(found).toHaveLength(2));
      expect(found.at(-1)!.map((m) => m.fqdn)).toEqual(['cm.sps.example', 'm1.sps.example']);
      expect(cluster.nodes[0]!.logins).toBe(1);
    } finally {
      await cluster.close();
    }
    // A node that is not a Central Management node is not asked.
    const plain = new NodePoller({ target: fleetTarget(fleet, 'broken'), log: silentLog, exposition, now: clock });
    pollers.push(plain);
    await plain.poll();
    expect(text(plain)).not.toContain('cluster_');
  });

  it('keeps the previous member list when the list cannot be read, counting the failure without marking the node down', async () => {
    const found: ClusterMember[][] = [];
    const { p } = await pollerAgainst(
      (req, res) => {
        if (req.url === '/api/health_status') return sendJson(res, 200, fixture('health_status.json'));
        if (req.url === '/api/cluster/nodes') return sendJson(res, 200, { items: [{ key: 'k1' }, { key: 'k2' }] });
        if (req.url === '/api/cluster/nodes/k1')
          return sendJson(res, 200, { body: { address: '10.0.0.1', roles: [] } });
        if (req.url === '/api/cluster/nodes/k2') return sendJson(res, 200, { body: { roles: [] } }); // no address: the whole list is unusable
        return sendJson(res, 404, {});
      },
      { discover: 'cluster' },
      { onMembers: (members) => found.push(members) },
    );
    await p.poll();
    await vi.waitFor(() => expect(text(p)).toContain('api_endpoint="cluster_nodes"'));
    const out = text(p);
    expect(found).toEqual([]);
    expect(lines(out, 'sps_up')).toEqual(['sps_up{node="good",cluster="good"} 1']);
    expect(out).toContain('sps_endpoint_up{node="good",cluster="good",api_endpoint="cluster_nodes"} 0');
    expect(out).toContain(
      'sps_exporter_poll_errors_total{node="good",cluster="good",api_endpoint="cluster_nodes",reason="parse"} 1',
    );
  });

  it('reads the member list beside its polls: a Central Management node slow to list its members holds up its own health poll by one request at most, not the whole list', async () => {
    const found: ClusterMember[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { server, p } = await pollerAgainst(
      (req, res) => {
        if (req.url === '/api/health_status') return sendJson(res, 200, fixture('health_status.json'));
        if (req.url === '/api/cluster/nodes') return sendJson(res, 200, { items: [{ key: 'k1' }, { key: 'k2' }] });
        // The first member's details wait until the test lets them go: as long as it likes.
        if (req.url === '/api/cluster/nodes/k1')
          return void gate.then(() => sendJson(res, 200, { body: { address: '10.0.0.1', roles: [] } }));
        if (req.url === '/api/cluster/nodes/k2')
          return sendJson(res, 200, { body: { address: '10.0.0.2', roles: [] } });
        return sendJson(res, 404, {});
      },
      { discover: 'cluster', timeout: '30s', interval: '30s' },
      { onMembers: (members) => found.push(members) },
    );
    await p.poll(); // returns with the member list still being read
    expect(found).toEqual([]);
    expect(lines(text(p), 'sps_up')).toEqual(['sps_up{node="good",cluster="good"} 1']);
    await vi.waitFor(() => expect(server.requests.map((r) => r.path)).toContain('/api/cluster/nodes/k1'));
    now += 30_000;
    const second = p.poll(); // queued behind the one member request in flight on the node's connection
    release();
    await second;
    await vi.waitFor(() => expect(found).toHaveLength(1));
    expect(found[0]!.map((m) => m.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    const paths = server.requests.map((r) => r.path);
    // The second health poll went between the two member requests, not after the whole list.
    expect(paths.lastIndexOf('/api/health_status')).toBeLessThan(paths.indexOf('/api/cluster/nodes/k2'));
    expect(paths.filter((path) => path === '/api/cluster/nodes')).toHaveLength(1); // no second list while one was being read
  });

  it('puts configured labels on every series of the node', async () => {
    const p = new NodePoller({
      target: fleetTarget(fleet, 'good', { labels: { site: 'eu "west"' } }),
      log: silentLog,
      exposition,
      now: clock,
    });
    pollers.push(p);
    await p.poll();
    const samples = text(p)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(50);
    expect(samples.every((l) => l.includes('{node="good",site="eu \\"west\\""'))).toBe(true);
  });

  it('rewrites its text in place between polls, yet serves whole lines mid-poll and the old text to a scrape still reading', async () => {
    const health = fixture('health_status.json');
    let load = 1;
    let hold: ((res: ServerResponse) => void) | undefined;
    const { p } = await pollerAgainst((req, res) => {
      if (req.url === '/api/health_status')
        return sendJson(res, 200, { health_status: { ...health.health_status, load1: load } });
      if (req.url === '/api/indexer/dashboard') {
        if (hold) return hold(res);
        return sendJson(res, 200, fixture('indexer_dashboard.json'));
      }
      if (req.url === '/api/info') return sendJson(res, 200, fixture('info_authenticated.json'));
      return sendJson(res, 404, {});
    });
    /** Polls with load1 = `value`; resolves once health_status is read and the dashboard request waits. */
    const pollHeld = async (value: number) => {
      load = value;
      let held!: ServerResponse;
      const waiting = new Promise<void>((resolve) => {
        hold = (res) => {
          held = res;
          resolve();
        };
      });
      const polling = p.poll();
      await waiting;
      hold = undefined;
      return { polling, answer: () => sendJson(held, 200, fixture('indexer_dashboard.json')) };
    };
    await p.poll();
    const memory = p.view(now).memory;

    const second = await pollHeld(12.5); // a longer line: a table of the old layout would cut the text wrongly
    const mid = text(p);
    expect(p.view(now).memory.filter((m) => memory.includes(m)).length).toBe(memory.length); // rewritten in place, no new memory
    expect(lines(mid, 'sps_load1')).toEqual(['sps_load1{node="good"} 12.5']);
    expect(lines(mid, 'sps_indexer_service_active').length).toBeGreaterThan(0); // the first poll's dashboard, still fresh
    expect(promtoolCheckMetrics(mid)).toEqual([DAYS_NOTE]); // whole lines, each family once
    second.answer();
    await second.polling;

    const scrape = exposition.reader([p.view(now)]);
    const third = await pollHeld(3);
    third.answer();
    await third.polling;
    expect(lines(text(p), 'sps_load1')).toEqual(['sps_load1{node="good"} 3']);
    const out = Buffer.alloc(scrape.size);
    expect(scrape.read(out)).toBe(scrape.size);
    expect(lines(out.toString('utf8'), 'sps_load1')).toEqual(['sps_load1{node="good"} 12.5']);
    expect(promtoolCheckMetrics(out.toString('utf8'))).toEqual([DAYS_NOTE]);
  });
});
