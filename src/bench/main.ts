#!/usr/bin/env node
/**
 * npm run bench -- --nodes N [--interval 5s] [--seconds 20] [--scrapes 30]
 * Starts the simulator with N nodes and the exporter polling it (separate processes), then reports
 * polls/s, exporter CPU seconds per 1000 polls, peak RSS, /metrics latency and size, logins per node.
 * Linux only: CPU and peak RSS come from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    interval: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    scrapes: { type: 'string', default: '30' },
  },
});
const nodes = Number(values.nodes);
const interval = values.interval ?? `${Math.max(1_000, nodes * 5)}ms`;
const intervalMs = parseDuration(interval) ?? 5_000;
const seconds = Number(values.seconds);
const scrapes = Number(values.scrapes);
const CLK_TCK = 100;

const dist = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const children: ChildProcess[] = [];

function start(script: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [dist(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(ready);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, match });
      }
      if (out.length > 1_000_000) out = out.slice(-10_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out.slice(-2000)}`)));
  });
}

/** User and system CPU seconds of a process. */
function cpuSeconds(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
}

/** VmHWM (peak resident set) or VmRSS (now), in bytes. */
function memoryBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

function sum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sps-bench-'));
  try {
    const t0 = Date.now();
    await start('simulator/main.js', ['--nodes', String(nodes), '--port', '0', '--write-config', dir, '--interval', interval], /simulator listening/);
    const { child: exporter, match } = await start('main.js', [`--config.file=${join(dir, 'exporter.yaml')}`, '--web.listen-address=127.0.0.1:0', '--log.level=info'], /"port":(\d+)/);
    const url = `http://127.0.0.1:${match[1]}/metrics`;
    const pid = exporter.pid!;
    process.stderr.write(`bench: ${nodes} nodes, interval ${interval}, started in ${Date.now() - t0} ms; waiting for every node to be up\n`);

    // Timed to the last byte, as Prometheus reads it; the text is decoded only when asked for.
    const scrape = (decode = true) =>
      new Promise<{ ms: number; text: string; bytes: number }>((resolve, reject) => {
        const started = performance.now();
        get(url, (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (decode) chunks.push(chunk);
          });
          res.on('end', () => resolve({ ms: performance.now() - started, text: decode ? Buffer.concat(chunks).toString('utf8') : '', bytes }));
          res.on('error', reject);
        }).on('error', reject);
      });
    const deadline = Date.now() + intervalMs * 3 + 60_000;
    for (;;) {
      const { text } = await scrape();
      if (sum(text, 'sps_up') === nodes) break;
      if (Date.now() > deadline) throw new Error(`only ${sum(text, 'sps_up')} of ${nodes} nodes came up`);
      await sleep(Math.min(2_000, intervalMs));
    }

    // Polling cost, measured over a window with no scrapes in it.
    const polls0 = sum((await scrape()).text, 'sps_exporter_polls_total');
    const cpu0 = cpuSeconds(pid);
    const wall0 = performance.now();
    await sleep(seconds * 1000);
    const cpu1 = cpuSeconds(pid);
    const wall1 = performance.now();
    const polls1 = sum((await scrape()).text, 'sps_exporter_polls_total');
    const polls = polls1 - polls0;
    const pollSeconds = (wall1 - wall0) / 1000;

    // Scrape latency, sequential scrapes as Prometheus makes them.
    const latencies: number[] = [];
    let last = { ms: 0, text: '', bytes: 0 };
    for (let i = 0; i < scrapes; i++) latencies.push((await scrape(false)).ms);
    last = await scrape();
    latencies.sort((a, b) => a - b);
    const series = last.text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const result = {
      nodes,
      interval,
      series,
      polls_per_second: +(polls / pollSeconds).toFixed(1),
      cpu_seconds_per_1000_polls: +(((cpu1.user + cpu1.system - cpu0.user - cpu0.system) / polls) * 1000).toFixed(3),
      cpu_user_seconds_per_1000_polls: +(((cpu1.user - cpu0.user) / polls) * 1000).toFixed(3),
      cpu_system_seconds_per_1000_polls: +(((cpu1.system - cpu0.system) / polls) * 1000).toFixed(3),
      cpu_share_of_one_core: +((cpu1.user + cpu1.system - cpu0.user - cpu0.system) / pollSeconds).toFixed(3),
      peak_rss_mb: +(memoryBytes(pid, 'VmHWM') / 2 ** 20).toFixed(1),
      rss_after_scrapes_mb: +(memoryBytes(pid, 'VmRSS') / 2 ** 20).toFixed(1),
      metrics_median_ms: +percentile(latencies, 50).toFixed(1),
      metrics_p99_ms: +percentile(latencies, 99).toFixed(1),
      metrics_body_kb: +(last.bytes / 1024).toFixed(0),
      logins_per_node: sum(last.text, 'sps_exporter_logins_total') / nodes,
      login_failures: sum(last.text, 'sps_exporter_login_failures_total'),
    };
    for (const [key, value] of Object.entries(result)) process.stdout.write(`${key.padEnd(28)} ${value}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
});
