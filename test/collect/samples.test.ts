import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/collect/families.js';
import { definedEntries, SampleList, withLabel } from '../../src/collect/samples.js';

describe('SampleList', () => {
  it('adds a sample only for a finite value: a missing field never becomes an invented zero', () => {
    const out = new SampleList();
    out.add(METRICS.load1, undefined);
    out.add(METRICS.load1, Number.NaN);
    out.add(METRICS.load1, Number.POSITIVE_INFINITY);
    out.add(METRICS.load1, 0);
    expect(out.samples).toEqual([{ family: METRICS.load1, labels: undefined, value: 0 }]);
  });

  it('turns a percentage into a 0..1 ratio, and leaves a missing one out', () => {
    const out = new SampleList();
    out.ratio(METRICS.cpuUsage, 42.5);
    out.ratio(METRICS.cpuUsage, undefined);
    expect(out.samples.map((s) => s.value)).toEqual([0.425]);
  });

  it('gives one 0/1 series per known state, and the current state as a series of its own when it is not known', () => {
    const known = ['running', 'stopped'];
    const out = new SampleList();
    out.states(METRICS.raidStatus, known, 'stopped', { device: 'a' });
    out.states(METRICS.raidStatus, known, 'degraded', { device: 'b' }, 'state');
    expect(out.samples.map((s) => [s.labels, s.value])).toEqual([
      [{ device: 'a', status: 'running' }, 0],
      [{ device: 'a', status: 'stopped' }, 1],
      [{ device: 'b', state: 'running' }, 0],
      [{ device: 'b', state: 'stopped' }, 0],
      [{ device: 'b', state: 'degraded' }, 1],
    ]);
  });
});

describe('withLabel', () => {
  it('returns a new label set with one more label, the one given left as it was', () => {
    const labels = { a: '1' };
    expect(withLabel(labels, 'b', '2')).toEqual({ a: '1', b: '2' });
    expect(labels).toEqual({ a: '1' });
    expect(withLabel(labels, 'a', 'x')).toEqual({ a: 'x' });
  });
});

describe('definedEntries', () => {
  it("iterates a map's entries, and none for a map the response left out", () => {
    expect([...definedEntries(new Map([['k', 1]]))]).toEqual([['k', 1]]);
    expect([...definedEntries(undefined)]).toEqual([]);
  });
});
