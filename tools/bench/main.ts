#!/usr/bin/env node
/**
 * npm run bench -- --nodes N [--interval 5s] [--seconds 20] [--scrapes 30] [--shards K] [--transport]
 * Starts the simulator with N nodes and the exporter polling it (separate processes), then reports
 * polls/s, exporter CPU seconds per 1000 polls, peak RSS, /metrics median and p99 latency and body
 * size (plain, then gzipped as Prometheus asks, with the exporter's CPU per gzipped scrape), failed
 * requests, and logins and connections per node. With --shards K, K exporters split the nodes
 * (--shard=i/K) and each replica's figures are printed, then the fleet's (CPU and polls summed, the
 * largest peak RSS).
 * With --transport, the exporter is then stopped and the transport alone (transport.ts) polls the
 * same simulator over a window as long: the floor any exporter on this client pays on this machine
 * at this hour, and the exporter's figure as a multiple of it.
 * Linux only: CPU and peak RSS come from /proc.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { parseDuration } from '../../src/config/duration.js';
import { inShard } from '../../src/config/shard.js';
import { cpuSeconds, memoryBytes, percentile, runScript, scrape, sleep, start, startExporter, startSimulators, sum, waitAllUp } from './stack.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    interval: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    scrapes: { type: 'string', default: '30' },
    shards: { type: 'string', default: '1' },
    transport: { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const interval = values.interval ?? `${Math.max(1_000, nodes * 5)}ms`;
const intervalMs = parseDuration(interval) ?? 5_000;
const seconds = Number(values.seconds);
const scrapes = Number(values.scrapes);
const shards = Number(values.shards);
if (!Number.isInteger(shards) || shards < 1) throw new Error(`--shards: "${values.shards}" is not a whole number of replicas`);
if (values.transport && shards > 1) throw new Error('--transport: with one exporter only');

interface Replica {
  label: string;
  url: string;
  pid: number;
  nodes: number;
}

/** One exporter per shard (no --shard flag for one), each with the number of nodes it polls. */
async function startReplicas(config: string): Promise<Replica[]> {
  const names = (parse(readFileSync(config, 'utf8')) as { targets: { name: string }[] }).targets.map((t) => t.name);
  const replicas: Replica[] = [];
  for (let index = 0; index < shards; index++) {
    const shard = shards > 1 ? { index, count: shards } : undefined;
    const args: string[] = [];
    if (shard) args.push(`--shard=${index}/${shards}`);
    const { url, pid } = await startExporter(config, args);
    replicas.push({ label: shard ? `shard ${index}/${shards}` : 'exporter', url, pid, nodes: names.filter((name) => inShard(name, shard)).length });
  }
  return replicas;
}

runScript('bench', async (dir) => {
  const t0 = Date.now();
  const config = await startSimulators(dir, nodes, [], interval);
  const replicas = await startReplicas(config);
  process.stderr.write(`bench: ${nodes} nodes, interval ${interval}, ${shards} exporter(s), started in ${Date.now() - t0} ms; waiting for every node to be up\n`);
  for (const replica of replicas) await waitAllUp(replica.url, replica.nodes, intervalMs * 3 + 120_000);
  // The start-up burst (a login per node, behind the concurrency gate) ends some polls late; one
  // more interval lets that backlog drain so the window measures the steady state.
  await sleep(intervalMs);

  // Polling cost, measured over a window with no scrapes in it. The window opens as soon as the
  // first scrapes are received and their poll counts are summed after that: summing a 10000-node
  // body here takes seconds, and those polls were counted against a 20 s window (2.4x the real rate).
  const firsts: string[] = [];
  for (const replica of replicas) firsts.push((await scrape(replica.url)).text);
  const cpu0 = replicas.map((replica) => cpuSeconds(replica.pid));
  const wall0 = performance.now();
  const polls0 = firsts.map((text) => sum(text, 'sps_exporter_polls_total'));
  await sleep(seconds * 1000);
  const cpu1 = replicas.map((replica) => cpuSeconds(replica.pid));
  const pollSeconds = (performance.now() - wall0) / 1000;
  const polls: number[] = [];
  for (const [i, replica] of replicas.entries()) polls.push(sum((await scrape(replica.url)).text, 'sps_exporter_polls_total') - polls0[i]!);

  const results = [];
  for (const [i, replica] of replicas.entries()) {
    // Scrape latency, sequential scrapes as Prometheus makes them.
    const latencies: number[] = [];
    for (let k = 0; k < scrapes; k++) latencies.push((await scrape(replica.url, false)).ms);
    const last = await scrape(replica.url);
    latencies.sort((a, b) => a - b);
    // Memory as the targets count it: before any gzipped scrape, which holds a few MB more (README).
    const peakRss = memoryBytes(replica.pid, 'VmHWM');
    const rss = memoryBytes(replica.pid, 'VmRSS');
    // As Prometheus scrapes: gzipped. Its CPU is what the scrapes took over the polling's own rate.
    const zipped: number[] = [];
    let zippedBytes = 0;
    const pollingShare = (cpu1[i]!.total - cpu0[i]!.total) / pollSeconds;
    const zipCpu0 = cpuSeconds(replica.pid).total;
    const zipWall0 = performance.now();
    for (let k = 0; k < scrapes; k++) {
      const result = await scrape(replica.url, false, 'gzip');
      zipped.push(result.ms);
      zippedBytes = result.bytes;
    }
    const zipCpuMs = ((cpuSeconds(replica.pid).total - zipCpu0 - (pollingShare * (performance.now() - zipWall0)) / 1000) / scrapes) * 1000;
    zipped.sort((a, b) => a - b);
    const per1000 = (spent: number) => +((spent / polls[i]!) * 1000).toFixed(3);
    results.push({
      replica: replica.label,
      nodes: replica.nodes,
      interval,
      series: last.text.split('\n').filter((l) => l && !l.startsWith('#')).length,
      polls_per_second: +(polls[i]! / pollSeconds).toFixed(1),
      cpu_seconds_per_1000_polls: per1000(cpu1[i]!.total - cpu0[i]!.total),
      cpu_user_seconds_per_1000_polls: per1000(cpu1[i]!.user - cpu0[i]!.user),
      cpu_system_seconds_per_1000_polls: per1000(cpu1[i]!.system - cpu0[i]!.system),
      cpu_share_of_one_core: +pollingShare.toFixed(3),
      peak_rss_mb: +(peakRss / 2 ** 20).toFixed(1),
      rss_after_scrapes_mb: +(rss / 2 ** 20).toFixed(1),
      metrics_median_ms: +percentile(latencies, 50).toFixed(1),
      metrics_p99_ms: +percentile(latencies, 99).toFixed(1),
      metrics_body_kb: +(last.bytes / 1024).toFixed(0),
      metrics_gzip_median_ms: +percentile(zipped, 50).toFixed(1),
      metrics_gzip_p99_ms: +percentile(zipped, 99).toFixed(1),
      metrics_gzip_body_kb: +(zippedBytes / 1024).toFixed(0),
      metrics_gzip_cpu_ms_per_scrape: +zipCpuMs.toFixed(1),
      peak_rss_after_gzip_mb: +(memoryBytes(replica.pid, 'VmHWM') / 2 ** 20).toFixed(1),
      logins_per_node: sum(last.text, 'sps_exporter_logins_total') / replica.nodes,
      login_failures: sum(last.text, 'sps_exporter_login_failures_total'),
      poll_errors: sum(last.text, 'sps_exporter_poll_errors_total'),
      // Above 1: connections were closed and made again, a TLS handshake each (the start-up burst once did).
      connections_per_node: +(sum(last.text, 'sps_exporter_connections_total') / replica.nodes).toFixed(3),
    });
  }
  for (const result of results) {
    if (shards > 1) process.stdout.write(`${result.replica}\n`);
    for (const [key, value] of Object.entries(result)) if (key !== 'replica') process.stdout.write(`${shards > 1 ? '  ' : ''}${key.padEnd(38)} ${value}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  if (values.transport) {
    process.kill(replicas[0]!.pid, 'SIGTERM');
    await sleep(3_000);
    const { match } = await start('bench/transport.js', [`--config.file=${config}`, '--seconds', String(seconds)], /^(\{"transport_.*\})$/m);
    const floor = JSON.parse(match[1]!) as Record<string, number>;
    floor.exporter_over_transport = +(results[0]!.cpu_seconds_per_1000_polls / floor.transport_cpu_seconds_per_1000_polls!).toFixed(2);
    for (const [key, value] of Object.entries(floor)) process.stdout.write(`${key.padEnd(38)} ${value}\n`);
    process.stdout.write(`${JSON.stringify(floor)}\n`);
  }
  if (shards > 1) {
    const totalCpu = cpu1.reduce((s, c, i) => s + c.total - cpu0[i]!.total, 0);
    const totalPolls = polls.reduce((a, b) => a + b, 0);
    const fleet = {
      replicas: shards,
      nodes,
      polls_per_second: +(totalPolls / pollSeconds).toFixed(1),
      cpu_seconds_per_1000_polls: +((totalCpu / totalPolls) * 1000).toFixed(3),
      cpu_share_of_one_core: +(totalCpu / pollSeconds).toFixed(3),
      largest_peak_rss_mb: Math.max(...results.map((r) => r.peak_rss_mb)),
      total_peak_rss_mb: +results.reduce((s, r) => s + r.peak_rss_mb, 0).toFixed(1),
      slowest_metrics_median_ms: Math.max(...results.map((r) => r.metrics_median_ms)),
    };
    process.stdout.write('all replicas\n');
    for (const [key, value] of Object.entries(fleet)) process.stdout.write(`  ${key.padEnd(38)} ${value}\n`);
    process.stdout.write(`${JSON.stringify(fleet)}\n`);
  }
});
