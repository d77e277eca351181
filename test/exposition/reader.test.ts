import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/collect/families.js';
import { viewOf } from '../../src/exposition/node-view.js';
import type { RenderedPart } from '../../src/exposition/part.js';
import type { Sample } from '../../src/collect/families.js';
import { partsText, readerOf, renderContext, renderWhole } from '../helpers/exposition.js';
import { promtoolCheckMetrics } from '../helpers/http.js';

const context = renderContext();
const renderExposition = (parts: RenderedPart[]) => partsText(context, parts);
const renderBuffer = (parts: RenderedPart[]) => readerOf(context, [viewOf(parts)]).toBuffer();
const renderSamples = (samples: Sample[], nodeLabels: string) => renderWhole(context, samples, nodeLabels);

const a: Family = { name: 'test_a', help: 'A with a \\ backslash\nand newline.', type: 'gauge' };
const b: Family = { name: 'test_events_total', help: 'B.', type: 'counter' };

describe('text exposition', () => {
  it('escapes label values and help text as the format requires, in a whole exposition promtool reads', () => {
    const text = renderExposition([
      renderSamples([{ family: a, labels: { disk: '252:0 "x"\n\\' }, value: 1 }], 'node="n"'),
    ]);
    expect(text).toBe(
      '# HELP test_a A with a \\\\ backslash\\nand newline.\n# TYPE test_a gauge\ntest_a{node="n",disk="252:0 \\"x\\"\\n\\\\"} 1\n',
    );
    expect(promtoolCheckMetrics(text)).toEqual([]);
  });

  it("groups every node's samples under one HELP/TYPE per family", () => {
    const n1 = renderSamples(
      [
        { family: a, value: 1 },
        { family: b, value: 5 },
      ],
      'node="n1"',
    );
    const n2 = renderSamples(
      [
        { family: b, value: 7 },
        { family: a, value: 2 },
      ],
      'node="n2"',
    );
    const text = renderExposition([n1, n2]);
    expect(text.match(/# TYPE/g)).toHaveLength(2);
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(samples).toEqual([
      'test_a{node="n1"} 1',
      'test_a{node="n2"} 2',
      'test_events_total{node="n1"} 5',
      'test_events_total{node="n2"} 7',
    ]);
    expect(promtoolCheckMetrics(text)).toEqual([]);
  });

  it("puts a node's parts side by side within each family", () => {
    const text = renderExposition([
      renderSamples(
        [
          { family: a, value: 1 },
          { family: b, value: 3 },
        ],
        'node="n"',
      ),
      renderSamples([{ family: a, labels: { k: 'v' }, value: 2 }], 'node="n"'),
    ]);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'test_a{node="n"} 1',
      'test_a{node="n",k="v"} 2',
      'test_events_total{node="n"} 3',
    ]);
  });

  it('keeps families apart when label values are multi-byte UTF-8', () => {
    const n1 = renderSamples(
      [
        { family: a, labels: { disk: 'é日本' }, value: 1 },
        { family: b, labels: { service: '🙂' }, value: 2 },
      ],
      'node="ü"',
    );
    const n2 = renderSamples(
      [
        { family: b, value: 3 },
        { family: a, value: 4 },
      ],
      'node="n2"',
    );
    const text = renderExposition([n1, n2]);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'test_a{node="ü",disk="é日本"} 1',
      'test_a{node="n2"} 4',
      'test_events_total{node="ü",service="🙂"} 2',
      'test_events_total{node="n2"} 3',
    ]);
    expect(promtoolCheckMetrics(text)).toEqual([]);
  });

  it('reads the same bytes in blocks of any size and bands of any width as in one piece, and knows the size up front', () => {
    const c: Family = { name: 'test_c', help: 'C.', type: 'gauge' };
    const parts = [
      renderSamples(
        [
          { family: a, labels: { disk: 'é日本' }, value: 1 },
          { family: b, value: 2 },
          { family: c, value: 6 },
        ],
        'node="n1"',
      ),
      renderSamples([{ family: b, labels: { x: 'y' }, value: 3 }], 'node="n1"'),
      renderSamples([], 'node="n2"'),
      renderSamples(
        [
          { family: c, value: 7 },
          { family: b, value: 4 },
          { family: a, value: 5 },
        ],
        'node="n3"',
      ),
    ];
    const whole = renderBuffer(parts);
    expect(whole.toString('utf8')).toMatch(
      /^# HELP test_a [^]*# HELP test_events_total [^]*# HELP test_c [^]*test_c\{node="n3"\} 7\n$/,
    );
    // One node per served table (n1 has two parts): the same bytes as all parts in one table.
    const nodes = () => [viewOf(parts.slice(0, 2)), viewOf([parts[2]!]), viewOf([parts[3]!])];
    const sized = readerOf(context, nodes());
    expect(sized.size).toBe(whole.length);
    sized.close();
    // A band per family, bands of two families, one band for everything.
    for (const bandBytes of [1, 150, 1 << 20]) {
      for (let block = 1; block <= whole.length + 1; block++) {
        const reader = readerOf(context, nodes(), bandBytes);
        const out: Buffer[] = [];
        const buffer = Buffer.alloc(block);
        for (let n = reader.read(buffer); n > 0; n = reader.read(buffer)) out.push(Buffer.from(buffer.subarray(0, n)));
        expect(Buffer.concat(out).equals(whole)).toBe(true);
        expect(out.slice(0, -1).every((chunk) => chunk.length === block)).toBe(true); // blocks are filled, not cut at line ends
      }
    }
    const familyStarts = [...whole.toString('latin1').matchAll(/^# HELP /gm)].map((m) => m.index);
    const familyEnds = [...familyStarts.slice(1), whole.length];
    const familySizes = familyEnds.map((end, i) => end - familyStarts[i]!);
    // Not filled: a band of several families that does not fit in what is left ends the block, one of a single family is cut anywhere.
    for (const bandBytes of [1, 150, 1 << 20]) {
      for (let block = 1; block <= whole.length + 1; block++) {
        const reader = readerOf(context, nodes(), bandBytes);
        const out: Buffer[] = [];
        const buffer = Buffer.alloc(block);
        for (let n = reader.read(buffer, false); n > 0; n = reader.read(buffer, false))
          out.push(Buffer.from(buffer.subarray(0, n)));
        expect(Buffer.concat(out).equals(whole)).toBe(true);
        if (bandBytes === 1) expect(out.slice(0, -1).every((chunk) => chunk.length === block)).toBe(true);
        if (bandBytes === 1 << 20 && block >= whole.length) expect(out).toHaveLength(1);
        if (bandBytes === 150 && block >= Math.max(150, ...familySizes)) {
          // A block that is not full ends where a family does: a band of several families is never cut.
          let end = 0;
          for (const chunk of out) {
            end += chunk.length;
            expect(chunk.length === block || familyEnds.includes(end)).toBe(true);
          }
        }
      }
    }
  });

  it('renders a family with no samples nowhere', () => {
    expect(renderExposition([renderSamples([], 'node="n"')])).toBe('');
  });
});
