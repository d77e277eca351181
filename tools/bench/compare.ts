#!/usr/bin/env node
/**
 * npm run compare -- [--nodes 1000] [--interval 5s] [--windows 6] [--seconds 30] [--scrapes 30] NAME=DIR[:FLAG,FLAG] ...
 * Builds side by side: one simulator, and one exporter per NAME=DIR (DIR holds a built dist/, for
 * example a `git worktree` of another commit after `npm run build`; FLAGs are node options) polling
 * it with the same config at the same time, measured over the same windows. This machine's speed
 * drifts from hour to hour by more than most changes are worth, so only a comparison made this way
 * separates two builds. Prints CPU seconds per 1000 polls and RSS per window, then the medians, and
 * the /metrics latency of scrapes taken in turns (one build's, then the next's) after the windows.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { parseDuration } from '../../src/config/duration.js';
import {
  cpuSeconds,
  memoryBytes,
  percentile,
  runScript,
  scrape,
  sleep,
  startExporter,
  startSimulators,
  sum,
  waitAllUp,
} from './stack.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    nodes: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '5s' },
    windows: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '30' },
    scrapes: { type: 'string', default: '30' },
  },
});
const nodes = Number(values.nodes);
const intervalMs = parseDuration(values.interval) ?? 5_000;
if (positionals.length === 0) {
  process.stderr.write(
    'usage: npm run compare -- [--nodes N] [--interval D] [--windows W] [--seconds S] [--scrapes K] NAME=DIR[:FLAG,FLAG] ...\n',
  );
  process.exit(2);
}
const builds = positionals.map((arg) => {
  const at = arg.indexOf('=');
  const [dir, flags] = (at > 0 ? arg.slice(at + 1) : arg).split(/:(?=-)/) as [string, string | undefined];
  return {
    name: at > 0 ? arg.slice(0, at) : arg,
    main: join(resolve(dir), 'dist/main.js'),
    flags: flags ? flags.split(',') : [],
  };
});

const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;

runScript('compare', async (dir) => {
  const config = await startSimulators(dir, nodes, [], values.interval);
  const exporters = [];
  for (const build of builds) {
    exporters.push({
      ...build,
      ...(await startExporter(config, { script: build.main, runtime: { nodeFlags: build.flags, env: {} } })),
      cpu: [] as number[],
      rss: [] as number[],
    });
  }
  for (const exporter of exporters) await waitAllUp(exporter.url, nodes, intervalMs * 3 + 120_000);
  await sleep(2 * intervalMs); // past the first polls' logins and compilation
  for (let window = 0; window < Number(values.windows); window++) {
    const polls0 = await Promise.all(
      exporters.map(async (e) => sum((await scrape(e.url)).text, 'sps_exporter_polls_total')),
    );
    const cpu0 = exporters.map((e) => cpuSeconds(e.pid));
    await sleep(Number(values.seconds) * 1000);
    const cpu1 = exporters.map((e) => cpuSeconds(e.pid));
    const line = [];
    for (const [i, e] of exporters.entries()) {
      const polls = sum((await scrape(e.url)).text, 'sps_exporter_polls_total') - polls0[i]!;
      const seconds = cpu1[i]!.total - cpu0[i]!.total;
      e.cpu.push(+((seconds / polls) * 1000).toFixed(3));
      e.rss.push(+(memoryBytes(e.pid, 'VmRSS') / 2 ** 20).toFixed(0));
      line.push(`${e.name} ${e.cpu.at(-1)} CPU-s/1000 polls, ${e.rss.at(-1)} MB`);
    }
    process.stdout.write(`window ${window + 1}: ${line.join(' | ')}\n`);
  }
  const latencies = exporters.map(() => [] as number[]);
  for (let i = 0; i < Number(values.scrapes); i++)
    for (const [k, e] of exporters.entries()) latencies[k]!.push((await scrape(e.url, false)).ms);
  for (const [k, e] of exporters.entries()) {
    const sorted = latencies[k]!.sort((a, b) => a - b);
    if (sorted.length > 0)
      process.stdout.write(
        `${e.name}: /metrics median ${percentile(sorted, 50).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)} ms\n`,
      );
  }
  for (const e of exporters) {
    process.stdout.write(
      `${e.name}: median ${median(e.cpu)} CPU-s per 1000 polls (${Math.min(...e.cpu)}-${Math.max(...e.cpu)}), median RSS ${median(e.rss)} MB, peak ${(memoryBytes(e.pid, 'VmHWM') / 2 ** 20).toFixed(0)} MB\n`,
    );
  }
});
