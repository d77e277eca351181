import { describe, expect, it } from 'vitest';
import {
  DOCUMENTED_MEMORY_FIELDS,
  METRICS,
  memoryFamily,
  OTHER_MEMORY_GROUP,
  type Family,
} from '../../src/collect/families.js';

const families: Family[] = Object.values(METRICS);
/** Not in a base unit on purpose, as an issue asked (docs/metrics.md says why). */
const UNIT_EXCEPTIONS = new Set(['sps_certificate_expiry_days']);

describe('the fixed metric families', () => {
  it('have unique, valid names with help text', () => {
    const names = families.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { name, help } of families) {
      expect(name).toMatch(/^sps_[a-z][a-z0-9_]*$/);
      expect(help, name).toMatch(/^\S.*\.$/);
    }
  });

  it('keep the naming rules: _total for counters only, base units, _ratio in 0..1, _bytes and counters never negative', () => {
    for (const { name, type, domain } of families) {
      expect(name.endsWith('_total'), name).toBe(type === 'counter');
      if (!UNIT_EXCEPTIONS.has(name)) expect(name).not.toMatch(/_(milliseconds|percent|kilobytes|megabytes|days)(_|$)/);
      if (name.endsWith('_ratio')) expect(domain, name).toBe('ratio');
      if (/_bytes(_total)?$/.test(name) || type === 'counter') expect(domain, name).toBe('count');
    }
  });
});

describe('memoryFamily', () => {
  it('gives each documented field its own family, the same one every time', () => {
    for (const field of DOCUMENTED_MEMORY_FIELDS) {
      const family = memoryFamily(field)!;
      expect(family.name).toBe(`sps_memory_${field}_bytes`);
      expect(family.group).toBeUndefined();
      expect(memoryFamily(field)).toBe(family);
    }
  });

  it('puts an undocumented field with a tidy name in the shared group, and gives an untidy one no family', () => {
    expect(memoryFamily('hugepages')).toMatchObject({ name: 'sps_memory_hugepages_bytes', group: OTHER_MEMORY_GROUP });
    for (const field of ['', 'Total', 'a-b', '9lives', 'x'.repeat(33), 'a b', 'a{b}'])
      expect(memoryFamily(field), field).toBeUndefined();
  });
});
