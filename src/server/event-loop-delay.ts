import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** How often the event loop's delay is sampled: each sample is a wake-up of the loop. */
export const EVENT_LOOP_SAMPLE_MS = 100;

const STATISTICS: readonly (readonly [string, string, (histogram: RecordableHistogram) => number])[] = [
  ['min', 'The minimum recorded event loop delay.', (histogram) => histogram.min],
  ['max', 'The maximum recorded event loop delay.', (histogram) => histogram.max],
  ['mean', 'The mean of the recorded event loop delays.', (histogram) => histogram.mean],
  ['stddev', 'The standard deviation of the recorded event loop delays.', (histogram) => histogram.stddev],
  ['p50', 'The 50th percentile of the recorded event loop delays.', (histogram) => histogram.percentile(50)],
  ['p90', 'The 90th percentile of the recorded event loop delays.', (histogram) => histogram.percentile(90)],
  ['p99', 'The 99th percentile of the recorded event loop delays.', (histogram) => histogram.percentile(99)],
];

/** prom-client's names for the event-loop delay statistics, which these gauges replace. */
export const EVENT_LOOP_DELAY_METRICS = STATISTICS.map(([statistic]) => `nodejs_eventloop_lag_${statistic}_seconds`);

/** Where the sampler's time and its wake-ups come from: the process's, unless a caller brings its own. */
export interface SampleClock {
  /** Nanoseconds, monotonic. */
  now(): bigint;
  /** Calls `tick` every `ms`, never keeping the process alive. */
  every(ms: number, tick: () => void): void;
}

const defaultClock: SampleClock = {
  now: () => process.hrtime.bigint(),
  every: (ms, tick) => void setInterval(tick, ms).unref(),
};

/**
 * prom-client's event-loop delay gauges (same names, since the last scrape), measured as how late
 * a 100 ms timer fires. Node's monitorEventLoopDelay records the time between two turns of its
 * timer, interval included: sampled every 100 ms an idle loop reads 100 ms (at prom-client's
 * default 10 ms, 10 ms), so any alert on it would fire on an idle exporter; and its reset drops
 * the next turn, so a block right after a scrape went unrecorded.
 */
export function registerEventLoopDelay(
  registry: Registry,
  { clock = defaultClock }: { clock?: SampleClock } = {},
): void {
  const histogram = createHistogram();
  const interval = BigInt(EVENT_LOOP_SAMPLE_MS * 1e6);
  let last = clock.now();
  clock.every(EVENT_LOOP_SAMPLE_MS, () => {
    const now = clock.now();
    const late = now - last - interval;
    histogram.record(late > 0n ? late : 1n); // 1 ns: the histogram takes no 0
    last = now;
  });
  // The first gauge is collected first (registration order) and sets them all from one reading.
  const collect = () => {
    STATISTICS.forEach(([, , read], i) => gauges[i]!.set(histogram.count > 0 ? read(histogram) / 1e9 : 0));
    histogram.reset();
  };
  const gauges = STATISTICS.map(
    ([, help], i) =>
      new Gauge({
        name: EVENT_LOOP_DELAY_METRICS[i]!,
        help,
        registers: [registry],
        collect: i === 0 ? collect : undefined,
      }),
  );
}
