import type { Family, Labels, Sample } from './families.js';

/** What a collector returns: the samples, and warnings worth logging once per node (unknown states, bad dates). */
export interface Collected {
  samples: Sample[];
  warnings: string[];
}

export class SampleList implements Collected {
  readonly samples: Sample[] = [];
  readonly warnings: string[] = [];

  /** Adds a sample unless the value is missing; a missing field never becomes an invented zero. */
  add(family: Family, value: number | undefined, labels?: Labels): void {
    if (value !== undefined && Number.isFinite(value)) this.samples.push({ family, labels, value });
  }

  ratio(family: Family, percent: number | undefined, labels?: Labels): void {
    this.add(family, percent === undefined ? undefined : percent / 100, labels);
  }

  /** One 0/1 series per state: the known ones always, and the current one if it is not among them. */
  states(family: Family, known: readonly string[], current: string, labels: Labels, stateLabel = 'status'): void {
    for (const state of known) this.add(family, state === current ? 1 : 0, withLabel(labels, stateLabel, state));
    if (!known.includes(current)) this.add(family, 1, withLabel(labels, stateLabel, current));
  }
}

/**
 * `labels` and one more label. Copied key by key: an object spread with a computed key is far
 * slower in V8, and a health response needs a few dozen of these.
 */
export function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = {};
  for (const key in labels) out[key] = labels[key]!;
  out[name] = value;
  return out;
}

const NONE: ReadonlyMap<string, never> = new Map<string, never>();

/** The entries of a map read from a response (absent: none), iterated in place rather than copied. */
export function definedEntries<V>(map: ReadonlyMap<string, V> | undefined): Iterable<[string, V]> {
  return map ?? NONE;
}
