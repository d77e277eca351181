import { createHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** How often the event loop's delay is sampled: each sample is a wake-up of the loop. */
export const EVENT_LOOP_SAMPLE_MS = 100;

const STATISTICS = [
  ['min', 'The minimum recorded event loop delay.'],
  ['max', 'The maximum recorded event loop delay.'],
  ['mean', 'The mean of the recorded event loop delays.'],
  ['stddev', 'The standard deviation of the recorded event loop delays.'],
  ['p50', 'The 50th percentile of the recorded event loop delays.'],
  ['p90', 'The 90th percentile of the recorded event loop delays.'],
  ['p99', 'The 99th percentile of the recorded event loop delays.'],
] as const;

/** prom-client's names for the event-loop delay statistics, which these gauges replace. */
export const EVENT_LOOP_DELAY_METRICS = STATISTICS.map(([statistic]) => `nodejs_eventloop_lag_${statistic}_seconds`);

/**
 * prom-client's event-loop delay gauges (same names, since the last scrape), measured as how late
 * a 100 ms timer fires. Node's monitorEventLoopDelay records the time between two turns of its
 * timer, interval included: sampled every 100 ms an idle loop reads 100 ms (at prom-client's
 * default 10 ms, 10 ms), so any alert on it would fire on an idle exporter; and its reset drops
 * the next turn, so a block right after a scrape went unrecorded.
 */
export function registerEventLoopDelay(registry: Registry): void {
  const histogram = createHistogram();
  const interval = BigInt(EVENT_LOOP_SAMPLE_MS * 1e6);
  let last = process.hrtime.bigint();
  setInterval(() => {
    const now = process.hrtime.bigint();
    const late = now - last - interval;
    histogram.record(late > 0n ? late : 1n); // 1 ns: the histogram takes no 0
    last = now;
  }, EVENT_LOOP_SAMPLE_MS).unref();
  const seconds = (nanoseconds: number) => (histogram.count > 0 ? nanoseconds / 1e9 : 0);
  const values = (): Record<(typeof STATISTICS)[number][0], number> => ({
    min: seconds(histogram.min),
    max: seconds(histogram.max),
    mean: seconds(histogram.mean),
    stddev: seconds(histogram.stddev),
    p50: seconds(histogram.percentile(50)),
    p90: seconds(histogram.percentile(90)),
    p99: seconds(histogram.percentile(99)),
  });
  const gauges = new Map<string, Gauge>();
  for (const [statistic, help] of STATISTICS) {
    const first = gauges.size === 0;
    gauges.set(
      statistic,
      new Gauge({
        name: `nodejs_eventloop_lag_${statistic}_seconds`,
        help,
        registers: [registry],
        // The first gauge is collected first (registration order) and sets them all from one reading.
        collect: first
          ? () => {
              for (const [name, value] of Object.entries(values())) gauges.get(name)!.set(value);
              histogram.reset();
            }
          : undefined,
      }),
    );
  }
}
