import type { Family, Labels, Sample } from './families.js';

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

/** The entries of a map read from a response (absent: none). */
export function definedEntries<V>(map: ReadonlyMap<string, V> | undefined): [string, V][] {
  return map ? [...map] : [];
}
