import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/collect/families.js';
import { Exposition } from '../../src/exposition/exposition.js';

const up: Family = { name: 'test_x_up', help: 'Up.', type: 'gauge' };
const load: Family = { name: 'test_x_load', help: 'Load.', type: 'gauge' };

const text = (buffer: Buffer) => buffer.toString('utf8');

describe('NodeSeries', () => {
  it("puts the node's labels before each sample's own, and serves the sources asked for, families in the order the exposition first met them", () => {
    const exposition = new Exposition();
    const series = exposition.nodeSeries({ node: 'sps1', site: 'lab' });
    series.set('status', [{ family: up, value: 1 }]);
    series.set('health', [{ family: load, labels: { cpu: 'all' }, value: 0.5 }]);
    expect(text(exposition.render(series.view(['health', 'status', 'never set'])))).toBe(
      '# HELP test_x_up Up.\n# TYPE test_x_up gauge\ntest_x_up{node="sps1",site="lab"} 1\n' +
        '# HELP test_x_load Load.\n# TYPE test_x_load gauge\ntest_x_load{node="sps1",site="lab",cpu="all"} 0.5\n',
    );
    expect(text(exposition.render(series.view(['status'])))).not.toContain('test_x_load');
  });

  it("replaces a source's samples with each set, and a source set to nothing serves nothing", () => {
    const exposition = new Exposition();
    const series = exposition.nodeSeries({ node: 'sps1' });
    series.set('health', [{ family: load, value: 1 }]);
    series.set('health', [{ family: load, value: 2 }]);
    expect(text(exposition.render(series.view(['health'])))).toContain('test_x_load{node="sps1"} 2\n');
    series.set('health', []);
    expect(text(exposition.render(series.view(['health'])))).toBe('');
  });
});

describe('Exposition.reader', () => {
  it('reads each family once, its samples node by node in the order of the views', () => {
    const exposition = new Exposition();
    const nodes = ['a', 'b'].map((node) => {
      const series = exposition.nodeSeries({ node });
      series.set('s', [
        { family: up, value: 1 },
        { family: load, value: node === 'a' ? 1 : 2 },
      ]);
      return series.view(['s']);
    });
    const lines = exposition.reader(nodes.reverse()).toBuffer().toString('utf8').split('\n');
    expect(lines.filter((l) => l.startsWith('# TYPE'))).toEqual(['# TYPE test_x_up gauge', '# TYPE test_x_load gauge']);
    expect(lines.filter((l) => !l.startsWith('#') && l)).toEqual([
      'test_x_up{node="b"} 1',
      'test_x_up{node="a"} 1',
      'test_x_load{node="b"} 2',
      'test_x_load{node="a"} 1',
    ]);
  });

  it('is a snapshot: what is set after it was made is not what it reads', () => {
    const exposition = new Exposition();
    const series = exposition.nodeSeries({ node: 'a' });
    series.set('s', [{ family: load, value: 1 }]);
    const reader = exposition.reader([series.view(['s'])]);
    series.set('s', [{ family: load, value: 7 }]);
    const later = exposition.reader([series.view(['s'])]);
    expect(reader.toBuffer().toString('utf8')).toContain('test_x_load{node="a"} 1\n');
    expect(later.toBuffer().toString('utf8')).toContain('test_x_load{node="a"} 7\n');
  });
});
