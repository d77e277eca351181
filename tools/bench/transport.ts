#!/usr/bin/env node
/**
 * node dist/bench/transport.js --config.file=FILE [--seconds 20]
 * The transport alone, as the exporter uses it: one SpsClient per target, each poll the two GETs
 * the exporter makes every interval and their JSON.parse, started on the scheduler's grid at the
 * scheduler's phases, and nothing else (no reading, mapping, rendering or serving). Waits until
 * every node has answered and one interval more, then prints one JSON line: its CPU seconds per
 * 1000 polls over the window. `npm run bench -- --transport` sets it beside the exporter's figure:
 * this machine's speed changes about 2x from hour to hour, and this floor moves with it.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.js';
import { phaseOf, START_GRID_MS } from '../../src/poller/scheduler.js';
import { SpsClient } from '../../src/sps/client.js';

const { values } = parseArgs({ options: { 'config.file': { type: 'string', default: 'config.yaml' }, seconds: { type: 'string', default: '20' } } });
const { targets } = loadConfig(values['config.file']);
const intervalMs = targets[0]?.intervalMs ?? 0;
if (targets.length === 0 || targets.some((target) => target.intervalMs !== intervalMs)) throw new Error('transport: needs targets that share one interval');

const slotCount = Math.max(1, Math.round(intervalMs / START_GRID_MS));
const slots: SpsClient[][] = Array.from({ length: slotCount }, () => []);
for (const target of targets) slots[Math.floor(phaseOf(target.name) * slotCount)]!.push(new SpsClient({ target }));
const busy = new Set<SpsClient>();
const answered = new Set<SpsClient>();
let polls = 0;
let errors = 0;

async function poll(client: SpsClient): Promise<void> {
  busy.add(client);
  try {
    await client.getJson('/api/health_status');
    await client.getJson('/api/indexer/dashboard');
    polls++;
    answered.add(client);
  } catch {
    errors++;
  } finally {
    busy.delete(client);
  }
}

let slot = 0;
const ticker = setInterval(() => {
  for (const client of slots[slot]!) if (!busy.has(client)) void poll(client);
  slot = (slot + 1) % slotCount;
}, START_GRID_MS);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + 3 * intervalMs + 120_000;
while (answered.size < targets.length) {
  if (Date.now() > deadline) throw new Error(`transport: only ${answered.size} of ${targets.length} nodes answered`);
  await sleep(500);
}
await sleep(intervalMs); // as the bench: the start-up burst leaves some polls late
const cpu0 = process.cpuUsage();
const [polls0, errors0, wall0] = [polls, errors, performance.now()];
await sleep(Number(values.seconds) * 1000);
const cpu = process.cpuUsage(cpu0);
const windowPolls = polls - polls0;
const logins = [...slots.flat()].reduce((sum, client) => sum + client.logins, 0);
process.stdout.write(
  `${JSON.stringify({
    transport_polls_per_second: +(windowPolls / ((performance.now() - wall0) / 1000)).toFixed(1),
    transport_cpu_seconds_per_1000_polls: +(((cpu.user + cpu.system) / 1e6 / windowPolls) * 1000).toFixed(3),
    transport_errors: errors - errors0,
    transport_logins_per_node: logins / targets.length,
  })}\n`,
);
clearInterval(ticker);
await Promise.all(slots.flat().map((client) => client.close()));
