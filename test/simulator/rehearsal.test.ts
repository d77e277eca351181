import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, run, startExporter, type Running } from '../helpers/process.js';
import { lines } from '../helpers/targets.js';

const SIMULATOR = fileURLToPath(new URL('../../build/tools/simulator/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sps-rehearsal-'));
const running: Running[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function startSimulator(port: number): Promise<Running & { control: string }> {
  const simulator = run(process.execPath, [
    SIMULATOR,
    '--nodes',
    '2',
    '--port',
    String(port),
    '--write-config',
    join(dir, 'config'),
    '--interval',
    '1s',
    '--state-dir',
    join(dir, 'state'),
    '--control-port',
    '0',
  ]);
  running.push(simulator);
  const [, control] = await simulator.waitFor(/"control":"([^"]+)"/);
  return Object.assign(simulator, { control: control! });
}

describe('rehearsing alerts with the simulator', () => {
  it("switches a node's scenario while running, and keeps its CA across restarts so the exporter keeps polling it", async () => {
    const port = await freePort();
    const simulator = await startSimulator(port);
    const exporter = await startExporter(join(dir, 'config', 'exporter.yaml'));
    running.push(exporter);
    const metrics = async () => (await fetch(`${exporter.url}/metrics`)).text();
    const raid = async (node: string) =>
      lines(await metrics(), 'sps_raid_status_code').find((l) => l.includes(`node="${node}"`));
    await eventually(async () => ((await raid('sps-1'))?.endsWith(' 0') ? true : undefined), 20_000, 'sps-1 healthy');

    const switched = await fetch(`${simulator.control}/scenario?node=sps-1&scenario=raid_degraded`, { method: 'POST' });
    expect(switched.status).toBe(200);
    expect(await (await fetch(`${simulator.control}/scenario`)).json()).toEqual({
      'sps-1': 'raid_degraded',
      'sps-2': 'healthy',
    });
    await eventually(async () => ((await raid('sps-1'))?.endsWith(' 2') ? true : undefined), 20_000, 'sps-1 degraded');
    expect((await fetch(`${simulator.control}/scenario?node=nope&scenario=healthy`, { method: 'POST' })).status).toBe(
      404,
    );
    expect((await fetch(`${simulator.control}/scenario?node=sps-1&scenario=bogus`, { method: 'POST' })).status).toBe(
      400,
    );

    const ca = readFileSync(join(dir, 'state', 'ca.pem'), 'utf8');
    await simulator.stop();
    await startSimulator(port);
    expect(readFileSync(join(dir, 'state', 'ca.pem'), 'utf8')).toBe(ca);
    expect(readFileSync(join(dir, 'config', 'ca.pem'), 'utf8')).toBe(ca);
    // The restarted simulator's certificate is trusted by the exporter's unchanged config: polled again (a new session), healthy.
    const logins = async () =>
      lines(await metrics(), 'sps_exporter_logins_total').find((l) => l.includes('node="sps-1"'));
    await eventually(
      async () => ((await raid('sps-1'))?.endsWith(' 0') && (await logins())?.endsWith(' 2') ? true : undefined),
      30_000,
      'sps-1 polled again after the restart',
    );
  }, 90_000);
});
