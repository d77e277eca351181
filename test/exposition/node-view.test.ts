import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/collect/families.js';
import { ROW, rowTable, viewOf } from '../../src/exposition/node-view.js';
import { partsText, renderContext, renderWhole } from '../helpers/exposition.js';

const context = renderContext();
const a: Family = { name: 'test_nv_a', help: 'A.', type: 'gauge' };
const b: Family = { name: 'test_nv_b', help: 'B.', type: 'gauge' };
const renderSamples = (samples: Parameters<typeof renderWhole>[1], nodeLabels: string) =>
  renderWhole(context, samples, nodeLabels);

describe('viewOf', () => {
  it('has one row per family text of each part, in part order, pointing at the text in its memory', () => {
    const first = renderSamples(
      [
        { family: a, value: 1 },
        { family: b, value: 2 },
      ],
      'node="x"',
    );
    const second = renderSamples([{ family: b, value: 3 }], 'node="y"');
    const view = viewOf([first, second]);
    expect(view.memory).toEqual([first.memory, second.memory]);
    expect(view.rows).toHaveLength(3 * ROW);
    const texts: string[] = [];
    for (let r = 0; r < view.rows.length; r += ROW) {
      const [slot, part, offset, length] = view.rows.subarray(r, r + ROW);
      expect(slot).toBe(context.table.slot(r === 0 ? a : b));
      texts.push(Buffer.from(view.memory[part!]!, offset, length).toString('utf8'));
    }
    expect(texts).toEqual(['test_nv_a{node="x"} 1\n', 'test_nv_b{node="x"} 2\n', 'test_nv_b{node="y"} 3\n']);
    expect(view.textBytes).toBe(texts.join('').length);
    expect(partsText(context, [first, second])).toContain(texts[2]);
  });

  it('of no parts is empty', () => {
    expect(viewOf([])).toMatchObject({ memory: [], textBytes: 0 });
    expect(viewOf([]).rows).toHaveLength(0);
  });
  it("reuses the node's previous row table when it is large enough", () => {
    const part = renderSamples(
      [
        { family: a, value: 1 },
        { family: b, value: 2 },
      ],
      'node="n"',
    );
    const first = viewOf([part]);
    const second = viewOf([part], first);
    expect(second.rows.buffer).toBe(first.rows.buffer);
    expect(Array.from(second.rows)).toEqual(Array.from(viewOf([part]).rows));
    const grown = viewOf(
      Array.from({ length: 20 }, () => part),
      second,
    );
    expect(grown.rows.buffer).not.toBe(second.rows.buffer);
    expect(grown.rows.length).toBe(4 * 2 * 20);
  });
});

describe('rowTable', () => {
  it('leaves room for a few more rows in new memory, and lends held memory only when it fits', () => {
    const table = rowTable(2, undefined);
    expect(table).toHaveLength(2 * ROW);
    expect(table.buffer.byteLength).toBe(4 * ROW * 10);
    const view = { memory: [], rows: table, textBytes: 0 };
    expect(rowTable(10, view).buffer).toBe(table.buffer);
    expect(rowTable(11, view).buffer).not.toBe(table.buffer);
  });
});
