#!/usr/bin/env node
/**
 * npm run soak -- --nodes 1000 --faulty 10 --minutes 10 [--interval 30s]
 * Runs the exporter against a simulated fleet in which `faulty` percent of the nodes misbehave
 * (hanging, flapping, malformed JSON, wrong password, in turn) and prints RSS, heap (and the young generation), open sockets
 * and event-loop delay at the start and the end, and how much each grew. Linux only.
 */
import { parseArgs } from 'node:util';
import { memoryBytes, openSockets, runScript, scrape, sleep, startStack, sum } from './stack.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    faulty: { type: 'string', default: '10' },
    minutes: { type: 'string', default: '10' },
    interval: { type: 'string', default: '30s' },
  },
});
const nodes = Number(values.nodes);
const faultyPercent = Number(values.faulty);
const minutes = Number(values.minutes);
const FAULTS = ['hang', 'flapping', 'malformed_json', 'wrong_password'];

/** A scenario list the simulator cycles through: `faulty` percent faulty nodes, spread evenly. */
function scenarios(): string {
  const list: string[] = [];
  for (let i = 0; i < 100; i++) list.push(i < faultyPercent ? FAULTS[i % FAULTS.length]! : 'healthy');
  return list.join(',');
}

async function reading(url: string, pid: number) {
  const { text } = await scrape(url);
  return {
    rss_mb: +(memoryBytes(pid, 'VmRSS') / 2 ** 20).toFixed(1),
    heap_used_mb: +(sum(text, 'nodejs_heap_size_used_bytes') / 2 ** 20).toFixed(1),
    // Capped by --max-semi-space-size in NODE_OPTIONS: a long run shows whether it stays there.
    young_generation_mb: +(sum(text, 'nodejs_heap_space_size_total_bytes{space="new"}') / 2 ** 20).toFixed(1),
    open_sockets: openSockets(pid),
    event_loop_p99_ms: +(sum(text, 'nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1),
    nodes_up: sum(text, 'sps_up'),
    polls: sum(text, 'sps_exporter_polls_total'),
    logins: sum(text, 'sps_exporter_logins_total'),
  };
}

runScript('soak', async (dir) => {
  const { url, pid } = await startStack(
    dir,
    nodes,
    ['--scenarios', scenarios(), '--flap-period-ms', '60000'],
    values.interval,
  );
  process.stderr.write(`soak: ${nodes} nodes, ${faultyPercent}% faulty, ${minutes} min; warming up for one interval\n`);
  await sleep(Math.min(60_000, (minutes * 60_000) / 5));
  const begin = await reading(url, pid);
  await sleep(minutes * 60_000);
  const end = await reading(url, pid);
  const growth = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`;
  const report = {
    begin,
    end,
    rss_growth: growth(begin.rss_mb, end.rss_mb),
    heap_growth: growth(begin.heap_used_mb, end.heap_used_mb),
    sockets_bounded_by_nodes: end.open_sockets <= nodes + 10,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
});
