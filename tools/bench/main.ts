#!/usr/bin/env node
/**
 * npm run bench -- [--nodes 1000] [--interval 5s] [--seconds 30] [--scrapes 30] [--exporter PATH]
 *
 * Everything is measured side by side in one run, because this machine's absolute speed moves about
 * 2x from hour to hour (docs/performance.md):
 * - polling: one simulator serves 2N nodes; the exporter polls N of them while a bare raw-TLS
 *   client (raw-client.ts) polls the other N at the same interval, over the same window. Printed:
 *   both CPU seconds per 1000 polls, and the exporter's as a multiple of the client's.
 * - /metrics: the exporter's median scrape, plain and gzipped, beside prom-client's
 *   registry.metrics() holding the same series (and + gzip level 1), and the ratios.
 * Also: steady RSS (the median of once-a-second samples over the polling window), peak RSS (before
 * the gzipped scrapes and after), logins and connections per node, poll errors. The exporter runs with the node
 * flags of the production image's ENTRYPOINT (BENCH_NODE_FLAGS="..." tries others) and its ENV (a variable set for the
 * bench wins: MALLOC_ARENA_MAX=2 npm run bench tries two malloc arenas). --exporter
 * runs another build's dist/main.js (an earlier release) in this harness. Linux only: CPU and RSS
 * come from /proc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { parseDuration } from '../../src/config/duration.js';
import { promClientTimes, registryOf } from './prom-client-baseline.js';
import {
  cpuSeconds,
  memoryBytes,
  percentile,
  runScript,
  scrape,
  sleep,
  imageRuntime,
  start,
  startExporter,
  startSimulators,
  sum,
  waitAllUp,
} from './stack.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    interval: { type: 'string' },
    seconds: { type: 'string', default: '30' },
    scrapes: { type: 'string', default: '30' },
    exporter: { type: 'string' },
  },
});
const nodes = Number(values.nodes);
const interval = values.interval ?? `${Math.max(1_000, nodes * 5)}ms`;
const intervalMs = parseDuration(interval) ?? 5_000;
const seconds = Number(values.seconds);
const scrapes = Number(values.scrapes);

/** Splits a config of 2N targets into the exporter's N and the raw client's N. */
function splitConfig(file: string, dir: string): { exporter: string; raw: string } {
  const doc = parse(readFileSync(file, 'utf8')) as { targets: unknown[] };
  const half = doc.targets.length >> 1;
  const write = (name: string, targets: unknown[]) => {
    writeFileSync(join(dir, name), stringify({ ...doc, targets }));
    return join(dir, name);
  };
  return {
    exporter: write('exporter-half.yaml', doc.targets.slice(0, half)),
    raw: write('raw-half.yaml', doc.targets.slice(half)),
  };
}

const median = (list: number[]) =>
  percentile(
    [...list].sort((a, b) => a - b),
    50,
  );
const round = (value: number, digits = 3) => +value.toFixed(digits);

runScript('bench', async (dir) => {
  const configs = splitConfig(await startSimulators(dir, 2 * nodes, [], interval), dir);
  const image = imageRuntime(readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8'));
  const runtime = { ...image, nodeFlags: process.env.BENCH_NODE_FLAGS?.split(' ') ?? image.nodeFlags };
  const exporter = await startExporter(configs.exporter, {
    script: values.exporter ? resolve(values.exporter) : 'main.js',
    runtime,
  });
  let raw = { polls: 0, errors: 0, logins: 0, answered: 0 };
  const { child: rawChild } = await start('bench/raw-client.js', [`--config.file=${configs.raw}`], /^\{"polls"/m);
  rawChild.stdout!.on('data', (chunk: Buffer) => {
    const last = chunk.toString('utf8').trim().split('\n').at(-1);
    if (last?.startsWith('{')) raw = JSON.parse(last) as typeof raw;
  });
  process.stderr.write(
    `bench: ${nodes} nodes for the exporter and ${nodes} for the raw-TLS client, interval ${interval}; waiting for every node\n`,
  );
  await waitAllUp(exporter.url, nodes, intervalMs * 3 + 120_000);
  while (raw.answered < nodes) await sleep(500);
  await sleep(intervalMs); // past the start-up burst of logins

  // Polling: both processes over the same window, no scrapes in it but the two that count polls.
  const polls0 = sum((await scrape(exporter.url)).text, 'sps_exporter_polls_total');
  const rawPolls0 = raw.polls;
  const cpu0 = [cpuSeconds(exporter.pid).total, cpuSeconds(rawChild.pid!).total];
  const wall0 = performance.now();
  // RSS once a second over the window: its median is the steady RSS of a fleet being polled.
  const rssSamples: number[] = [];
  while (performance.now() - wall0 < seconds * 1000) {
    await sleep(1000);
    rssSamples.push(memoryBytes(exporter.pid, 'VmRSS'));
  }
  const cpu1 = [cpuSeconds(exporter.pid).total, cpuSeconds(rawChild.pid!).total];
  const rawPolls = raw.polls - rawPolls0;
  const window = (performance.now() - wall0) / 1000;
  rawChild.kill('SIGTERM');
  const polls = sum((await scrape(exporter.url)).text, 'sps_exporter_polls_total') - polls0;
  const exporterCpu = ((cpu1[0]! - cpu0[0]!) / polls) * 1000;
  const rawCpu = ((cpu1[1]! - cpu0[1]!) / rawPolls) * 1000;

  // /metrics: sequential scrapes, as Prometheus makes them; then prom-client with the same series.
  const plain: number[] = [];
  for (let k = 0; k < scrapes; k++) plain.push((await scrape(exporter.url, false)).ms);
  const peakRss = memoryBytes(exporter.pid, 'VmHWM');
  const zipped: number[] = [];
  let zippedBytes = 0;
  for (let k = 0; k < scrapes; k++) {
    const result = await scrape(exporter.url, false, 'gzip');
    zipped.push(result.ms);
    zippedBytes = result.bytes;
  }
  const last = await scrape(exporter.url);
  const nodeSeries = last.text
    .split('\n')
    .filter((line) => line.startsWith('sps_'))
    .join('\n');
  const baseline = await promClientTimes(registryOf(nodeSeries), Math.min(scrapes, 15));

  const result = {
    nodes,
    interval,
    series: nodeSeries.split('\n').length,
    exporter_polls_per_second: round(polls / window, 1),
    raw_tls_polls_per_second: round(rawPolls / window, 1),
    exporter_cpu_seconds_per_1000_polls: round(exporterCpu),
    raw_tls_cpu_seconds_per_1000_polls: round(rawCpu),
    exporter_over_raw_tls_cpu: round(exporterCpu / rawCpu, 2),
    metrics_median_ms: round(median(plain), 1),
    prom_client_median_ms: round(baseline.plainMs, 1),
    metrics_over_prom_client: round(median(plain) / baseline.plainMs, 3),
    metrics_gzip_median_ms: round(median(zipped), 1),
    prom_client_gzip_median_ms: round(baseline.gzipMs, 1),
    metrics_gzip_over_prom_client_gzip: round(median(zipped) / baseline.gzipMs, 3),
    metrics_body_kb: round(last.bytes / 1024, 0),
    metrics_gzip_body_kb: round(zippedBytes / 1024, 0),
    steady_rss_mb: round(median(rssSamples) / 2 ** 20, 1),
    peak_rss_mb: round(peakRss / 2 ** 20, 1),
    peak_rss_after_gzip_mb: round(memoryBytes(exporter.pid, 'VmHWM') / 2 ** 20, 1),
    logins_per_node: sum(last.text, 'sps_exporter_logins_total') / nodes,
    connections_per_node: round(sum(last.text, 'sps_exporter_connections_total') / nodes),
    poll_errors: sum(last.text, 'sps_exporter_poll_errors_total'),
    raw_tls_errors: raw.errors,
    raw_tls_logins_per_node: raw.logins / nodes,
  };
  for (const [key, value] of Object.entries(result)) process.stdout.write(`${key.padEnd(38)} ${value}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
});
