#!/usr/bin/env node
/**
 * npm run bench -- --nodes N [--interval 5s] [--seconds 20] [--scrapes 30] [--gc.mode MODE]
 * Starts the simulator with N nodes and the exporter polling it (separate processes), then reports
 * polls/s, exporter CPU seconds per 1000 polls, peak RSS, /metrics latency and size, logins per node.
 * Linux only: CPU and peak RSS come from /proc.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import { cpuSeconds, memoryBytes, percentile, runScript, scrape, sleep, startStack, sum, waitAllUp } from './stack.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    interval: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    scrapes: { type: 'string', default: '30' },
    'gc.mode': { type: 'string' },
  },
});
const nodes = Number(values.nodes);
const interval = values.interval ?? `${Math.max(1_000, nodes * 5)}ms`;
const intervalMs = parseDuration(interval) ?? 5_000;
const seconds = Number(values.seconds);
const scrapes = Number(values.scrapes);

runScript('bench', async (dir) => {
  const t0 = Date.now();
  const gcMode = values['gc.mode'];
  const { url, pid } = await startStack(dir, nodes, [], interval, gcMode ? [`--gc.mode=${gcMode}`] : []);
  process.stderr.write(`bench: ${nodes} nodes, interval ${interval}, started in ${Date.now() - t0} ms; waiting for every node to be up\n`);
  await waitAllUp(url, nodes, intervalMs * 3 + 120_000);
  // The start-up burst (a login per node, behind the concurrency gate) ends some polls late; one
  // more interval lets that backlog drain so the window measures the steady state.
  await sleep(intervalMs);

  // Polling cost, measured over a window with no scrapes in it. The window opens as soon as the
  // first scrape is received and its poll counts are summed after that: summing a 10000-node body
  // here takes seconds, and those polls were counted against a 20 s window (2.4x the real rate).
  const first = await scrape(url);
  const cpu0 = cpuSeconds(pid);
  const wall0 = performance.now();
  const polls0 = sum(first.text, 'sps_exporter_polls_total');
  await sleep(seconds * 1000);
  const cpu1 = cpuSeconds(pid);
  const wall1 = performance.now();
  const polls = sum((await scrape(url)).text, 'sps_exporter_polls_total') - polls0;
  const pollSeconds = (wall1 - wall0) / 1000;

  // Scrape latency, sequential scrapes as Prometheus makes them.
  const latencies: number[] = [];
  for (let i = 0; i < scrapes; i++) latencies.push((await scrape(url, false)).ms);
  const last = await scrape(url);
  latencies.sort((a, b) => a - b);
  const cpu = (a: number, b: number) => +(((b - a) / polls) * 1000).toFixed(3);
  const result = {
    nodes,
    interval,
    gc_mode: gcMode ?? 'default',
    series: last.text.split('\n').filter((l) => l && !l.startsWith('#')).length,
    polls_per_second: +(polls / pollSeconds).toFixed(1),
    cpu_seconds_per_1000_polls: cpu(cpu0.user + cpu0.system, cpu1.user + cpu1.system),
    cpu_user_seconds_per_1000_polls: cpu(cpu0.user, cpu1.user),
    cpu_system_seconds_per_1000_polls: cpu(cpu0.system, cpu1.system),
    cpu_share_of_one_core: +((cpu1.user + cpu1.system - cpu0.user - cpu0.system) / pollSeconds).toFixed(3),
    peak_rss_mb: +(memoryBytes(pid, 'VmHWM') / 2 ** 20).toFixed(1),
    rss_after_scrapes_mb: +(memoryBytes(pid, 'VmRSS') / 2 ** 20).toFixed(1),
    metrics_median_ms: +percentile(latencies, 50).toFixed(1),
    metrics_p99_ms: +percentile(latencies, 99).toFixed(1),
    metrics_body_kb: +(last.bytes / 1024).toFixed(0),
    logins_per_node: sum(last.text, 'sps_exporter_logins_total') / nodes,
    login_failures: sum(last.text, 'sps_exporter_login_failures_total'),
  };
  for (const [key, value] of Object.entries(result)) process.stdout.write(`${key.padEnd(34)} ${value}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
});
