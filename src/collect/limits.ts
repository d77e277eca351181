import type { SeriesLimits } from '../config/types.js';
import { RATIO_MAX, type Sample } from './families.js';

export type DropReason = 'series_limit' | 'label_value_length' | 'out_of_range';

/** Samples one endpoint's response lost to the node's limits, by the family (or family group) they were for. */
export interface Dropped {
  family: string;
  reason: DropReason;
  count: number;
}

export interface Limited {
  samples: readonly Sample[];
  dropped: Dropped[];
}

/**
 * The one place every collector's output passes through before it is rendered, so that no node's
 * data, however hostile, can grow the exposition without bound: a sample with a label value longer
 * than `labelValueLength` is dropped, and so is every series of a family (or of a family group,
 * see Family.group) beyond the first `seriesPerFamily`, and so is a value outside its family's
 * domain (a negative count or size, a ratio far outside 0..1: a broken answer, not a reading).
 * What was dropped is returned, so it can be counted and logged. Returns `samples` itself when
 * nothing was dropped.
 */
export function applyLimits(samples: readonly Sample[], limits: SeriesLimits): Limited {
  const counts = new Map<string, number>();
  let kept: Sample[] | undefined;
  let dropped: Map<string, Dropped> | undefined;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i]!;
    const family = sample.family.group ?? sample.family.name;
    const count = (counts.get(family) ?? 0) + 1;
    counts.set(family, count);
    const reason =
      count > limits.seriesPerFamily
        ? 'series_limit'
        : tooLong(sample, limits.labelValueLength)
          ? 'label_value_length'
          : outOfRange(sample)
            ? 'out_of_range'
            : undefined;
    if (reason === undefined) {
      kept?.push(sample);
      continue;
    }
    if (reason !== 'series_limit') counts.set(family, count - 1);
    kept ??= samples.slice(0, i);
    dropped ??= new Map();
    const key = `${family}\0${reason}`;
    const entry = dropped.get(key);
    if (entry) entry.count++;
    else dropped.set(key, { family, reason, count: 1 });
  }
  return { samples: kept ?? samples, dropped: dropped ? [...dropped.values()] : [] };
}

function tooLong({ labels }: Sample, limit: number): boolean {
  for (const name in labels) if (labels[name]!.length > limit) return true;
  return false;
}

function outOfRange({ family, value }: Sample): boolean {
  if (family.domain === 'count') return !(value >= 0) || value === Infinity;
  if (family.domain === 'ratio') return !(value >= 0 && value <= RATIO_MAX);
  return false;
}

/** Why samples of `family` are dropped, once per node in the log. */
export function droppedNote({ family, reason }: Pick<Dropped, 'family' | 'reason'>, limits: SeriesLimits): string {
  const why = {
    series_limit: `more than ${limits.seriesPerFamily} series (series_limit_per_family)`,
    label_value_length: `a label value longer than ${limits.labelValueLength} characters (label_value_length_limit)`,
    out_of_range:
      "a value outside the metric's range (a negative count or size, or a ratio far outside 0..1: a broken answer)",
  }[reason];
  return `${family}: samples with ${why} are dropped and counted in sps_exporter_samples_dropped_total`;
}
