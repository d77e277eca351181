import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Family, Labels, Sample } from '../../src/collect/families.js';
import { viewOf } from '../../src/exposition/node-view.js';
import { PartRenderer, type RenderedPart } from '../../src/exposition/part.js';
import type { ExpositionReader } from '../../src/exposition/reader.js';
import { partsText, readerOf, renderContext, renderWhole } from '../helpers/exposition.js';

const families: Family[] = [
  { name: 'test_r_a', help: 'A.', type: 'gauge' },
  { name: 'test_r_b', help: 'B.', type: 'gauge' },
  { name: 'test_r_c_total', help: 'C.', type: 'counter' },
];

/** Values whose texts differ in length, so patches move text both ways. */
const value = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    10,
    1e21,
    1e-7,
    0.1 + 0.2,
    NaN,
    Infinity,
    -Infinity,
    Number.MAX_VALUE,
    -Number.MIN_VALUE,
  ),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.double({ noDefaultInfinity: false }),
);
const labelValue = fc.constantFrom('ssh', 'rdp', 'é日本', 'a"b\\c\nd', '🙂', '');
const series = fc.record({
  family: fc.nat({ max: families.length - 1 }),
  labels: fc.option(fc.dictionary(fc.constantFrom('protocol', 'disk', 'status'), labelValue, { maxKeys: 2 }), {
    nil: undefined,
  }),
});
/** A poll: the same series as the node's first poll with new values, sometimes other series, sometimes a reader opened first. */
const poll = fc.record({
  values: fc.array(value, { minLength: 40, maxLength: 40 }),
  changed: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  reshape: fc.option(fc.array(series, { maxLength: 12 }), { freq: 6, nil: undefined }),
  openReader: fc.boolean(),
  closeReaders: fc.boolean(),
});

const context = renderContext();
const text = (part: RenderedPart) => partsText(context, [part]);

/** Each reader still reads exactly what it was given, however many polls landed since. */
function readAll(readers: { reader: ExpositionReader; expected: string }[]): void {
  for (const { reader, expected } of readers) {
    const out = Buffer.alloc(reader.size);
    expect(reader.read(out)).toBe(reader.size);
    expect(out.toString('utf8')).toBe(expected);
  }
}

describe('PartRenderer', () => {
  it('writes the same bytes as a whole render, poll after poll, whether it patches in place, copies under an open reader or renders anew', () => {
    fc.assert(
      fc.property(
        fc.array(series, { minLength: 0, maxLength: 12 }),
        fc.array(poll, { minLength: 1, maxLength: 12 }),
        (first, polls) => {
          const nodeLabels = 'node="n-é",env="x"';
          const renderer = new PartRenderer(context, nodeLabels);
          let shape = first;
          let values = shape.map((_, i) => i);
          const readers: { reader: ExpositionReader; expected: string }[] = [];
          const samplesOf = (): Sample[] =>
            shape.map((s, i) => ({
              family: families[s.family]!,
              labels: s.labels && { ...s.labels },
              value: values[i]!,
            }));
          let part = renderer.render(samplesOf());
          expect(text(part)).toBe(text(renderWhole(context, samplesOf(), nodeLabels)));
          for (const next of polls) {
            if (next.openReader) readers.push({ reader: readerOf(context, [viewOf([part])]), expected: text(part) });
            if (next.reshape) {
              shape = next.reshape;
              values = shape.map((_, i) => next.values[i]!);
            } else values = values.map((v, i) => (next.changed[i] ? next.values[i]! : v));
            part = renderer.render(samplesOf());
            expect(text(part)).toBe(text(renderWhole(context, samplesOf(), nodeLabels)));
            if (next.closeReaders) readAll(readers.splice(0));
          }
          readAll(readers);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('patches a poll with the same series in the memory it had, and keeps the part when no value changed', () => {
    const labels: Labels = { protocol: 'ssh' };
    const renderer = new PartRenderer(context, 'node="n"');
    const samples = (v: number): Sample[] => [
      { family: families[0]!, value: v },
      { family: families[1]!, labels: { ...labels }, value: 2 * v },
      { family: families[0]!, value: 7 },
    ];
    const first = renderer.render(samples(1));
    expect(renderer.render(samples(1))).toBe(first);
    const second = renderer.render(samples(1000.5));
    expect(second.memory).toBe(first.memory);
    expect(
      text(second)
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .sort(),
    ).toEqual(['test_r_a{node="n"} 1000.5', 'test_r_a{node="n"} 7', 'test_r_b{node="n",protocol="ssh"} 2001']);
    expect(text(second)).toBe(text(renderWhole(context, samples(1000.5), 'node="n"')));
    const shorter = renderer.render(samples(2));
    expect(shorter.memory).toBe(first.memory);
    expect(text(shorter)).toBe(text(renderWhole(context, samples(2), 'node="n"')));
    // Text that outgrows its memory (values a few bytes longer fit in its spare room) moves to new memory.
    const many = (v: number): Sample[] =>
      Array.from({ length: 20 }, (_, i) => ({ family: families[i % 2]!, labels: { disk: String(i) }, value: v }));
    const small = renderer.render(many(0));
    const grown = renderer.render(many(-Number.MAX_VALUE));
    expect(grown.memory).not.toBe(small.memory);
    expect(text(grown)).toBe(text(renderWhole(context, many(-Number.MAX_VALUE), 'node="n"')));
  });
});

describe('PartRenderer and open readers', () => {
  const a: Family = { name: 'test_a', help: 'A.', type: 'gauge' };
  const b: Family = { name: 'test_events_total', help: 'B.', type: 'counter' };
  const renderExposition = (parts: RenderedPart[]) => partsText(context, parts);

  it('rewrites a part in place only while no reader is open, so an open reader reads what it was given', () => {
    const renderer = new PartRenderer(context, 'node="n"');
    const poll = (value: number) =>
      renderer.render([
        { family: a, value },
        { family: b, labels: { k: 'v' }, value: value * 2 },
      ]);
    const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
    const first = poll(1);
    const second = poll(2);
    expect(second.memory).toBe(first.memory); // nothing was reading it: same memory
    expect(lines(renderExposition([second]))).toEqual(['test_a{node="n"} 2', 'test_events_total{node="n",k="v"} 4']);

    const reader = readerOf(context, [viewOf([second])]);
    const third = poll(3);
    expect(third.memory).not.toBe(second.memory);
    const held = poll(33); // a fresh part is not rewritten under an open reader either
    expect(held.memory).not.toBe(third.memory);
    const out = Buffer.alloc(reader.size);
    expect(reader.read(out)).toBe(reader.size);
    expect(lines(out.toString('utf8'))).toEqual(['test_a{node="n"} 2', 'test_events_total{node="n",k="v"} 4']);
    expect(reader.read(out)).toBe(0); // read to the end: closed, so polls rewrite in place again

    const fourth = poll(4);
    expect(fourth.memory).toBe(held.memory);
    const abandoned = readerOf(context, [viewOf([fourth])]);
    const fifth = poll(5);
    expect(fifth.memory).not.toBe(fourth.memory);
    abandoned.close();
    abandoned.close(); // idempotent: one close never counts for another open reader
    expect(abandoned.read(out)).toBe(0);
    const open = readerOf(context, [viewOf([fifth])]);
    abandoned.close();
    const sixth = poll(6);
    expect(sixth.memory).not.toBe(fifth.memory);
    open.toBuffer(); // one buffer made: closed too
    expect(poll(7).memory).toBe(sixth.memory);

    // Text that outgrows the memory moves to new memory.
    const long = renderer.render(
      Array.from({ length: 50 }, (_, i) => ({ family: a, labels: { i: String(i) }, value: i })),
    );
    expect(long.memory).not.toBe(sixth.memory);
    expect(lines(renderExposition([long]))).toHaveLength(50);
  });
});
