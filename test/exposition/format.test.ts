import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/collect/families.js';
import { escapeLabelValue, familyHeader, formatLabels, formatValue, linePrefix } from '../../src/exposition/format.js';

const family: Family = { name: 'test_a', help: 'A with a \\ backslash\nand newline.', type: 'gauge' };

describe('the text format, version 0.0.4', () => {
  it('escapes backslash, double quote and newline in label values, and backslash and newline in help', () => {
    expect(escapeLabelValue('plain')).toBe('plain');
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(formatLabels({ x: '1', y: '"' })).toBe('x="1",y="\\""');
    expect(familyHeader(family)).toBe('# HELP test_a A with a \\\\ backslash\\nand newline.\n# TYPE test_a gauge\n');
  });

  it('writes special values as the format spells them', () => {
    expect([Infinity, -Infinity, NaN, 1e21, -0.25].map(formatValue)).toEqual(['+Inf', '-Inf', 'NaN', '1e+21', '-0.25']);
  });

  it("puts the node's labels before a sample's own, with a comma only between two sets", () => {
    expect(linePrefix(family, 'node="n"', { disk: 'sda' })).toBe('test_a{node="n",disk="sda"} ');
    expect(linePrefix(family, 'node="n"', undefined)).toBe('test_a{node="n"} ');
    expect(linePrefix(family, '', { disk: 'sda' })).toBe('test_a{disk="sda"} ');
  });
});
