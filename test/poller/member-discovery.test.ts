import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { MemberDiscovery } from '../../src/poller/member-discovery.js';
import { NodePoller } from '../../src/poller/node.js';
import type { ClusterMember } from '../../src/sps/cluster.js';
import { fixture } from '../helpers/fixtures.js';
import { sendJson, startHttps, testTls, type Handler, type LocalServer } from '../helpers/https-server.js';
import { silentLog } from '../helpers/targets.js';
import { fakeAppliance } from '../../tools/simulator/appliance.js';

describe('MemberDiscovery schedule', () => {
  const member = (key: string): ClusterMember => ({ key, address: `10.0.0.${key}`, roles: [] });

  it('reads at the last poll before its interval has passed, one read at a time, with the names only the same poll read', async () => {
    const reads: (ReadonlyMap<string, string> | undefined)[] = [];
    let finish: (members: ClusterMember[]) => void = () => {};
    const found: ClusterMember[][] = [];
    const discovery = new MemberDiscovery({
      intervalMs: 30_000,
      everyMs: 300_000,
      read: (fqdns) => {
        reads.push(fqdns);
        return new Promise((resolve) => (finish = resolve));
      },
      onMembers: (members) => found.push(members),
      onFailure: (error) => {
        throw error;
      },
    });
    const names = new Map([['1', 'one.example']]);
    discovery.namesRead(names);
    discovery.pollEnded(0, { reachedNode: true });
    expect(reads).toEqual([names]);
    expect(discovery.reading).toBe(true);
    finish([member('1')]);
    await vi.waitFor(() => expect(discovery.reading).toBe(false));
    expect(found).toEqual([[member('1')]]);
    for (let t = 30_000; t <= 270_000; t += 30_000) discovery.pollEnded(t, { reachedNode: true });
    expect(reads).toHaveLength(1); // at 270 s the next poll, at 300 s, is still within the interval
    discovery.namesRead(names);
    discovery.pollEnded(285_000, { reachedNode: false }); // a poll that failed node-wide starts nothing and keeps no names
    discovery.pollEnded(300_000, { reachedNode: true });
    expect(reads).toEqual([names, undefined]); // names from an earlier poll are not used
    discovery.pollEnded(600_000, { reachedNode: true }); // due, but the read is still under way
    expect(reads).toHaveLength(2);
    finish([member('1')]);
    await vi.waitFor(() => expect(found).toHaveLength(2));
  });

  it('hands a failed read to onFailure and reads again when due', async () => {
    const failures: unknown[] = [];
    const discovery = new MemberDiscovery({
      intervalMs: 1_000,
      everyMs: 2_000,
      read: () => Promise.reject(new Error('list unreadable')),
      onMembers: () => {},
      onFailure: (error) => failures.push(error),
    });
    discovery.pollEnded(0, { reachedNode: true });
    await vi.waitFor(() => expect(failures).toHaveLength(1));
    discovery.pollEnded(1_500, { reachedNode: true });
    await vi.waitFor(() => expect(failures).toHaveLength(2));
  });
});

describe('member discovery of a Central Management node', () => {
  const servers: LocalServer[] = [];
  const pollers: NodePoller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function centralManagement(
    status: (res: Parameters<Handler>[1]) => void,
    { members = 2, memberDelayMs = 0 }: { members?: number; memberDelayMs?: number } = {},
  ) {
    const keys = Array.from({ length: members }, (_, i) => ({ key: `k${i + 1}` }));
    const appliance = fakeAppliance({
      username: 'u',
      password: 'p',
      answer: (req, res) => {
        if (req.url === '/api/health_status') return sendJson(res, 200, fixture('health_status.json'));
        if (req.url === '/api/cluster/status') return status(res);
        if (req.url === '/api/cluster/nodes') return sendJson(res, 200, { items: keys });
        const key = /^\/api\/cluster\/nodes\/k(\d+)$/.exec(req.url ?? '')?.[1];
        const body = { body: { address: `10.0.${Math.floor(Number(key) / 256)}.${Number(key) % 256}`, roles: [] } };
        if (key) return void setTimeout(() => sendJson(res, 200, body), memberDelayMs);
        return sendJson(res, 404, {});
      },
    });
    const server = await startHttps(appliance.handler);
    servers.push(server);
    const doc = {
      targets: [{ name: 'cm', url: server.url, username: 'u', password: 'p', discover: 'cluster', interval: '30s' }],
    };
    const target = parseConfig(JSON.stringify(doc), 't', {}).targets[0]!;
    target.tls.ca = testTls().ca.certPem;
    const found: ClusterMember[][] = [];
    const p = new NodePoller({
      target,
      log: silentLog,
      exposition: new Exposition(),
      onMembers: (members) => found.push(members),
    });
    pollers.push(p);
    const statusReads = () => server.requests.filter((r) => r.path === '/api/cluster/status').length;
    const requests = (path: string | RegExp) =>
      server.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
    return { p, found, statusReads, requests };
  }

  it("reads /api/cluster/status once: the members are named from the poll's answer", async () => {
    const { p, found, statusReads } = await centralManagement((res) =>
      sendJson(res, 200, {
        items: [
          { key: 'k1', fqdn: 'm1.sps.example', health_status: {} },
          { key: 'k2', fqdn: 'm2.sps.example', health_status: null },
        ],
      }),
    );
    await p.poll();
    await vi.waitFor(() => expect(found).toHaveLength(1));
    expect(found[0]!.map((m) => m.fqdn)).toEqual(['m1.sps.example', 'm2.sps.example']);
    expect(statusReads()).toBe(1);
  });

  it("reads /api/cluster/status itself when the poll's read failed, and names members by address if it fails again", async () => {
    const { p, found, statusReads } = await centralManagement((res) => sendJson(res, 500, {}));
    await p.poll();
    await vi.waitFor(() => expect(found).toHaveLength(1));
    expect(found[0]!.map((m) => m.fqdn)).toEqual([undefined, undefined]);
    expect(found[0]!.map((m) => m.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(statusReads()).toBe(2);
  });

  it('a node listing 200 slow members is polled meanwhile: no poll waits for the list', async () => {
    const { p, found, requests } = await centralManagement((res) => sendJson(res, 200, { items: [] }), {
      members: 200,
      memberDelayMs: 10,
    });
    await p.poll(); // starts the discovery: 200 member reads of 10 ms each, one after the other
    for (let poll = 0; poll < 3; poll++) await p.poll();
    expect(requests('/api/health_status')).toBe(4);
    expect(requests(/^\/api\/cluster\/nodes\/k/)).toBeLessThan(200); // the list was still being read
    expect(found).toHaveLength(0);
    await vi.waitFor(() => expect(found).toHaveLength(1), { timeout: 20_000 });
    expect(found[0]).toHaveLength(200);
  });
});
