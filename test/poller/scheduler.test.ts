import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig, type ExporterConfig, type TargetConfig } from '../../src/config/load.js';
import type { NodePoller, NodePollerOptions } from '../../src/poller/node.js';
import { Scheduler } from '../../src/poller/scheduler.js';
import { METRICS } from '../../src/collect/families.js';
import { Exposition, type NodeSeries } from '../../src/exposition/exposition.js';
import { silentLog } from '../helpers/targets.js';
import type { ClusterMember } from '../../src/sps/cluster.js';

/** A node whose polls are recorded and may be held open by the test. */
class FakeNode {
  busy = false;
  polls: number[] = [];
  inFlight = 0;
  closed = false;
  hang = false;
  #release: (() => void)[] = [];
  readonly target: TargetConfig;
  readonly onMembers: (members: ClusterMember[]) => void;
  /** Serves any target with the same password, as a real client serves one with the same connection settings. */
  readonly client: { password: string; serves(target: TargetConfig): boolean };
  readonly log = silentLog;
  readonly #series: NodeSeries;
  constructor({ target, onMembers = () => {}, client, exposition }: NodePollerOptions) {
    this.target = target;
    this.onMembers = onMembers;
    const password = target.password.reveal();
    this.client = (client as unknown as FakeNode['client'] | undefined) ?? {
      password,
      serves: (other) => other.password.reveal() === password,
    };
    this.#series = exposition.nodeSeries({ node: target.name });
    this.#series.set('up', [{ family: METRICS.up, value: 1 }]);
  }
  get name() {
    return this.target.name;
  }
  async poll() {
    this.polls.push(Date.now());
    this.inFlight++;
    if (this.hang) await new Promise<void>((resolve) => this.#release.push(resolve));
    this.inFlight--;
  }
  release() {
    for (const r of this.#release.splice(0)) r();
  }
  view() {
    return this.#series.view(['up']);
  }
  close() {
    this.closed = true;
    return Promise.resolve();
  }
  handOverClient() {
    this.closed = true;
    return this.client;
  }
}

const config = (names: string[], extra = '', concurrency = 100): ExporterConfig =>
  parseConfig(
    JSON.stringify({
      concurrency,
      defaults: { interval: '10s', username: 'u', password: 'p' },
      targets: names.map((name) => ({ name, url: `https://${name}.example.com` })),
    }).replace('"p"', `"p${extra}"`),
    't',
    {},
  );

let made: Map<string, FakeNode[]>;
/** The scheduler's start grid: polls start on multiples of it. */
const GRID_MS = 250;
const scheduler = () =>
  new Scheduler({
    log: silentLog,
    exposition: new Exposition(),
    createNode: (options) => {
      const node = new FakeNode(options);
      made.set(options.target.name, [...(made.get(options.target.name) ?? []), node]);
      return node as unknown as NodePoller;
    },
  });
const nodeOf = (name: string) => made.get(name)!.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  made = new Map();
});
afterEach(() => vi.useRealTimers());

describe('Scheduler', () => {
  it('polls every node once per interval, each at its own phase within the interval, started on the grid', async () => {
    const s = scheduler();
    const names = Array.from({ length: 20 }, (_, i) => `sps${i}`);
    s.apply(config(names));
    const start = Date.now();
    s.start();
    await vi.advanceTimersByTimeAsync(60_000);
    for (const name of names) {
      const [first, ...rest] = nodeOf(name).polls;
      expect(first! - start).toBeLessThanOrEqual(10_000 + GRID_MS); // within its first interval
      expect((first! - start) % GRID_MS).toBe(0);
      const expected = [first];
      for (let t = first! + 10_000; t <= start + 60_000; t += 10_000) expected.push(t);
      expect([first, ...rest]).toEqual(expected);
      expect(expected.length).toBeGreaterThanOrEqual(6);
    }
    const offsets = names.map((n) => nodeOf(n).polls[0]! - start);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(5_000);
    await s.stop();
  });

  it('never overlaps a node with itself, and a hanging node delays no other', async () => {
    const s = scheduler();
    s.apply(config(['slow', 'fast']));
    nodeOf('slow').hang = true;
    s.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(nodeOf('slow').polls).toHaveLength(1);
    expect(nodeOf('slow').inFlight).toBe(1);
    expect(nodeOf('fast').polls).toHaveLength(6);
    nodeOf('slow').release();
    nodeOf('slow').hang = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(nodeOf('slow').polls).toHaveLength(2);
    await s.stop();
  });

  it('keeps at most `concurrency` polls in flight', async () => {
    const s = scheduler();
    const names = ['a', 'b', 'c', 'd', 'e'];
    s.apply(config(names, '', 2));
    for (const n of names) nodeOf(n).hang = true;
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    const inFlight = () => names.reduce((sum, n) => sum + nodeOf(n).inFlight, 0);
    expect(inFlight()).toBe(2);
    for (const n of names) nodeOf(n).release();
    await vi.advanceTimersByTimeAsync(0);
    expect(inFlight()).toBe(2);
    expect(names.reduce((sum, n) => sum + nodeOf(n).polls.length, 0)).toBe(4);
    for (const n of names) nodeOf(n).hang = false;
    for (const n of names) nodeOf(n).release();
    await vi.advanceTimersByTimeAsync(0);
    expect(inFlight()).toBe(0);
    await s.stop();
  });

  it('on reload starts added nodes, drops removed ones with their series, keeps unchanged ones', async () => {
    const s = scheduler();
    s.apply(config(['keep', 'drop', 'change']));
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    const kept = nodeOf('keep');
    const before = config(['keep', 'drop', 'change']);
    const after = config(['keep', 'change', 'new']);
    after.targets.find((t) => t.name === 'change')!.fingerprint = 'different';
    expect(before.targets[0]!.fingerprint).toBe(after.targets[0]!.fingerprint);
    const result = s.apply(after);
    expect(result).toEqual({ added: ['new'], removed: ['drop'], changed: ['change'], kept: ['keep'] });
    expect(nodeOf('keep')).toBe(kept);
    expect(made.get('drop')![0]!.closed).toBe(true);
    expect(made.get('change')).toHaveLength(2);
    expect(made.get('change')![0]!.closed).toBe(true);
    // Its connection settings did not change, so the new poller has the old one's client.
    expect(made.get('change')![1]!.client).toBe(made.get('change')![0]!.client);
    expect(s.fleetReader().toBuffer().toString()).not.toContain('node="drop"');
    expect(s.renderTarget('drop')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(nodeOf('new').polls).toHaveLength(1);
    expect(made.get('drop')![0]!.polls).toHaveLength(1);
    await s.stop();
  });

  it('polls the members a Central Management node lists, follows joins and leaves, and keeps the members that stay', async () => {
    const clusterConfig = (password = 'p') =>
      parseConfig(
        JSON.stringify({
          defaults: { interval: '10s', username: 'u', password },
          targets: [
            { name: 'cm', url: 'https://10.0.0.1', discover: 'cluster' },
            { name: 'other', url: 'https://10.0.0.9' },
          ],
        }),
        't',
        {},
      );
    const member = (n: number): ClusterMember => ({
      key: `k${n}`,
      address: `10.0.0.${n}`,
      roles: n === 1 ? ['central-management'] : [],
      fqdn: `sps${n}.example.com`,
    });
    const s = scheduler();
    s.apply(clusterConfig());
    s.start();
    const names = () => s.nodes.map((n) => n.name);
    expect(names()).toEqual(['cm', 'other']);
    nodeOf('cm').onMembers([member(1), member(2), member(3), member(9)]);
    expect(names()).toEqual(['cm', 'other', 'sps2.example.com', 'sps3.example.com']);
    expect(nodeOf('sps2.example.com').target).toMatchObject({
      origin: 'https://10.0.0.2',
      labels: { cluster: 'cm' },
      discoveredBy: 'cm',
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(nodeOf('sps3.example.com').polls).toHaveLength(1);
    const two = nodeOf('sps2.example.com');
    // sps3 leaves, sps4 joins: sps2 keeps its poller (and so its session).
    nodeOf('cm').onMembers([member(1), member(2), member(4)]);
    expect(names()).toEqual(['cm', 'other', 'sps2.example.com', 'sps4.example.com']);
    expect(nodeOf('sps2.example.com')).toBe(two);
    expect(made.get('sps3.example.com')![0]!.closed).toBe(true);
    expect(s.fleetReader().toBuffer().toString()).not.toContain('sps3');
    // A reload that changes nothing keeps members; a new password reaches them; a list from a replaced poller is ignored.
    expect(s.apply(clusterConfig()).kept).toEqual(['cm', 'other', 'sps2.example.com', 'sps4.example.com']);
    const oldCm = nodeOf('cm');
    expect(s.apply(clusterConfig('new')).changed).toEqual(['cm', 'other', 'sps2.example.com', 'sps4.example.com']);
    oldCm.onMembers([member(1)]);
    expect(names()).toContain('sps2.example.com');
    // Without discover: cluster, the members go.
    const plain = clusterConfig('new');
    plain.targets[0] = { ...plain.targets[0]!, discover: undefined, fingerprint: 'plain' };
    expect(s.apply(plain).removed).toEqual(['sps2.example.com', 'sps4.example.com']);
    expect(names().sort()).toEqual(['cm', 'other']);
    await s.stop();
  });

  it('polls each of 3000 nodes once per interval when many share a start slot', async () => {
    const s = scheduler();
    const names = Array.from({ length: 3000 }, (_, i) => `n${i}`);
    s.apply(config(names, '', 10_000));
    s.start();
    await vi.advanceTimersByTimeAsync(40_000);
    const counts = names.map((name) => nodeOf(name).polls.length);
    expect(Math.min(...counts)).toBe(4);
    expect(Math.max(...counts)).toBe(4);
    await s.stop();
  });

  it("drops a removed node from its start slot at once, and a slot's timer with its last node", async () => {
    const s = scheduler();
    s.apply(config(['a', 'b', 'c']));
    s.start();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    s.apply(config(['a']));
    s.apply(config([]));
    // Nothing waits for a removed node, so nothing keeps it (or its parts) alive until its slot fires.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    for (const name of ['a', 'b', 'c']) expect(made.get(name)![0]!.polls).toHaveLength(0);
    await s.stop();
  });

  it('stop ends all polling', async () => {
    const s = scheduler();
    s.apply(config(['a']));
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(made.get('a')![0]!.polls).toHaveLength(1);
    expect(s.nodes).toHaveLength(0);
  });
});
