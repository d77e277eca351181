import { describe, expect, it } from 'vitest';
import { METRICS, memoryFamily } from '../../src/collect/families.js';
import { FamilyTable } from '../../src/exposition/family-table.js';

describe('FamilyTable', () => {
  it('gives a family made anew for the same name (a memory field) the same slot', () => {
    const table = new FamilyTable();
    const slot = table.slot(memoryFamily('hugepages')!);
    expect(table.slot(memoryFamily('hugepages')!)).toBe(slot);
    expect(table.slot(METRICS.up)).not.toBe(slot);
  });

  it("throws for two families of one name with another type or help, as prom-client's registry does", () => {
    const table = new FamilyTable();
    table.slot(METRICS.up);
    expect(() => table.slot({ ...METRICS.up, type: 'counter' })).toThrow(
      'two metric families are named sps_up, with different types or help texts',
    );
    expect(() => table.slot({ ...METRICS.up, help: 'Something else.' })).toThrow(
      'two metric families are named sps_up',
    );
  });

  it('every fixed family has a name of its own', () => {
    const names = Object.values(METRICS).map((family) => family.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
