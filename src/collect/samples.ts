import type { Family, Labels, Sample } from './families.js';

/** No single map in a response may add more series than this (a bound against a runaway node). */
export const MAX_MAP_ENTRIES = 1000;

/** What a collector returns: the samples, and notes worth logging once (unknown states, bad dates). */
export interface Collected {
  samples: Sample[];
  notes: string[];
}

export class SampleList implements Collected {
  readonly samples: Sample[] = [];
  readonly notes: string[] = [];

  /** Adds a sample unless the value is missing; a missing field never becomes an invented zero. */
  add(family: Family, value: number | undefined, labels?: Labels): void {
    if (value !== undefined && Number.isFinite(value)) this.samples.push({ family, labels, value });
  }

  ratio(family: Family, percent: number | undefined, labels?: Labels): void {
    this.add(family, percent === undefined ? undefined : percent / 100, labels);
  }

  /** One 0/1 series per state: the known ones always, and the current one if it is not among them. */
  states(family: Family, known: readonly string[], current: string, labels: Labels, stateLabel = 'status'): void {
    for (const state of known) this.add(family, state === current ? 1 : 0, { ...labels, [stateLabel]: state });
    if (!known.includes(current)) this.add(family, 1, { ...labels, [stateLabel]: current });
  }
}

/** The defined entries of a lenient map, at most MAX_MAP_ENTRIES of them. */
export function definedEntries<V>(map: Readonly<Record<string, V | undefined>> | undefined): [string, V][] {
  const out: [string, V][] = [];
  if (map === undefined) return out;
  for (const key in map) {
    const value = map[key];
    if (value === undefined || !Object.hasOwn(map, key)) continue;
    out.push([key, value]);
    if (out.length >= MAX_MAP_ENTRIES) break;
  }
  return out;
}
