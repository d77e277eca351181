import { describe, expect, it } from 'vitest';
import type { Family, Sample } from '../../src/collect/families.js';
import { FleetView, GROUP_NODES } from '../../src/exposition/fleet.js';
import { viewOf, type NodeView } from '../../src/exposition/node-view.js';
import { PartRenderer } from '../../src/exposition/part.js';
import type { ExpositionReader } from '../../src/exposition/reader.js';
import { readerOf, readerOfFleet, renderContext } from '../helpers/exposition.js';
import { promtoolCheckMetrics } from '../helpers/http.js';

const up: Family = { name: 'test_fleet_up', help: 'Up.', type: 'gauge' };
const load: Family = { name: 'test_fleet_load1', help: 'Load.', type: 'gauge' };
const sessions: Family = { name: 'test_fleet_sessions', help: 'Sessions.', type: 'gauge' };
const polls: Family = { name: 'test_fleet_polls_total', help: 'Polls.', type: 'counter' };

const context = renderContext();

/** A node as the poller keeps one: a status part and, on most nodes, a data part, re-served when either changes. */
class FakeNode {
  readonly #status: PartRenderer;
  readonly #data: PartRenderer;
  #view: NodeView = viewOf([]);
  polls = 0;

  constructor(
    readonly index: number,
    readonly hasData: boolean,
  ) {
    this.#status = new PartRenderer(context, `node="n${index}"`);
    this.#data = new PartRenderer(context, `node="n${index}"`);
    this.poll();
  }

  poll(): void {
    this.polls++;
    const status: Sample[] = [
      { family: up, value: 1 },
      { family: polls, value: this.polls },
    ];
    const parts = [this.#status.render(status)];
    if (this.hasData) {
      const protocols = this.index % 3 === 0 ? ['ssh'] : ['ssh', 'rdp', 'ica'];
      const data: Sample[] = [
        { family: load, value: (this.index * this.polls) % 7 },
        ...protocols.map((protocol, k) => ({ family: sessions, labels: { protocol }, value: this.polls * 10 ** k })),
      ];
      parts.push(this.#data.render(data));
    }
    this.#view = viewOf(parts, this.#view);
  }

  view(): NodeView {
    return this.#view;
  }
}

/** The bytes a reader gives, in blocks of `block` bytes, unfilled as the server reads. */
function readAll(reader: ExpositionReader, block = 97): Buffer {
  const out: Buffer[] = [];
  const buffer = Buffer.alloc(block);
  for (let n = reader.read(buffer, false); n > 0; n = reader.read(buffer, false))
    out.push(Buffer.from(buffer.subarray(0, n)));
  return Buffer.concat(out);
}

/** What the fleet's merged groups must equal byte for byte: a reader of the nodes themselves. */
const direct = (nodes: FakeNode[]) =>
  readerOf(
    context,
    nodes.map((node) => node.view()),
  ).toBuffer();

// Every family merged, none, and the small ones only (the sessions family averages ~90 bytes a node, the others under 30).
describe.each([Infinity, 0, 50])('fleet exposition merging families under %s bytes a node', (mergeBelow) => {
  it('reads the same bytes as the nodes themselves, scrape after scrape, as nodes change, come and go', () => {
    let nodes = Array.from({ length: 2 * GROUP_NODES + 5 }, (_, i) => new FakeNode(i, i % 5 !== 4));
    const fleet = new FleetView(context.table, mergeBelow);
    const reader = (views: NodeView[]) => readerOfFleet(context, fleet, views);
    let random = 7;
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let scrape = 0; scrape < 40; scrape++) {
      if (scrape % 4 === 1) for (const node of nodes) if (next() < 0.1) node.poll(); // a few nodes polled
      if (scrape % 4 === 2) for (const node of nodes) node.poll(); // every node polled
      if (scrape === 10) nodes = nodes.filter((_, i) => i % 7 !== 3); // reload: nodes removed, groups shift
      if (scrape === 20)
        nodes = [...nodes, ...Array.from({ length: GROUP_NODES }, (_, i) => new FakeNode(1000 + i, true))];
      if (scrape === 30) nodes = nodes.slice(0, 3);
      const expected = direct(nodes);
      const scrapeReader = reader(nodes.map((node) => node.view()));
      expect(scrapeReader.size).toBe(expected.length);
      expect(readAll(scrapeReader, 1 + (scrape % 5) * 61).equals(expected)).toBe(true);
    }
    expect(readAll(reader([]))).toHaveLength(0);
    const text = readAll(reader(nodes.map((node) => node.view()))).toString('utf8');
    expect(text.match(/^# TYPE /gm)).toHaveLength(4);
    expect(promtoolCheckMetrics(text)).toEqual([]);
  });

  it('keeps what an open reader reads while later scrapes merge changed nodes again', () => {
    const nodes = Array.from({ length: GROUP_NODES + 1 }, (_, i) => new FakeNode(i, true));
    const fleet = new FleetView(context.table, mergeBelow);
    const reader = (views: NodeView[]) => readerOfFleet(context, fleet, views);
    readAll(reader(nodes.map((node) => node.view()))); // merged once, with no reader open
    const before = direct(nodes);
    const slow = reader(nodes.map((node) => node.view()));
    for (const node of nodes) node.poll();
    const after = direct(nodes);
    expect(after.equals(before)).toBe(false);
    expect(readAll(reader(nodes.map((node) => node.view()))).equals(after)).toBe(true);
    for (const node of nodes) node.poll();
    const abandoned = reader(nodes.map((node) => node.view()));
    abandoned.close(); // closed unread: later merges may rewrite its memory, never `slow`'s
    for (const node of nodes) node.poll();
    expect(readAll(reader(nodes.map((node) => node.view()))).equals(direct(nodes))).toBe(true);
    expect(readAll(slow, 13).equals(before)).toBe(true);
  });
});

describe('fleet exposition: merged and direct families', () => {
  it('merges the small families into one row each and points to the nodes for a large one', () => {
    const nodes = Array.from({ length: GROUP_NODES }, (_, i) => new FakeNode(i, true));
    const views = nodes.map((node) => node.view());
    const {
      views: [group],
      readsParts,
    } = new FleetView(context.table, 50).groups(views);
    // up, polls and load merged (a row each), sessions (~90 bytes a node) one row per node, into its parts.
    expect(readsParts).toBe(true);
    expect(group!.rows.length / 4).toBe(3 + GROUP_NODES);
    expect(group!.memory.length).toBe(1 + views.reduce((sum, node) => sum + node.memory.length, 0));
    expect(readerOf(context, [group!]).toBuffer().equals(direct(nodes))).toBe(true);
    expect(new FleetView(context.table, Infinity).groups(views).views[0]!.rows.length / 4).toBe(4);
  });

  it('keeps parts from being rewritten in place while a scrape reads families straight from them', () => {
    const renderer = new PartRenderer(context, 'node="n"');
    const first = renderer.render([{ family: load, value: 1 }]);
    const reader = readerOfFleet(context, new FleetView(context.table, 0), [viewOf([first])]);
    const second = renderer.render([{ family: load, value: 2 }]);
    expect(second.memory).not.toBe(first.memory);
    expect(readAll(reader).toString('utf8')).toContain('test_fleet_load1{node="n"} 1\n');
    expect(renderer.render([{ family: load, value: 3 }]).memory).toBe(second.memory); // the reader closed when read to the end
  });

  it('leaves polls free to rewrite their parts in place while a scrape reads the merged copies', () => {
    const renderer = new PartRenderer(context, 'node="n"');
    const first = renderer.render([{ family: load, value: 1 }]);
    const reader = readerOfFleet(context, new FleetView(context.table), [viewOf([first])]);
    const second = renderer.render([{ family: load, value: 2 }]);
    expect(second.memory).toBe(first.memory); // patched in place under an open fleet reader
    expect(readAll(reader).toString('utf8')).toContain('test_fleet_load1{node="n"} 1\n');
    // A reader of the parts themselves still keeps them from being rewritten.
    const parts = readerOf(context, [viewOf([second])]);
    expect(renderer.render([{ family: load, value: 3 }]).memory).not.toBe(second.memory);
    parts.close();
  });
});
