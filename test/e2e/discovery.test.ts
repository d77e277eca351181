import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { eventually, startExporter, type Running } from '../helpers/process.js';
import { lines } from '../helpers/targets.js';

let dir: string;
let fleet: Fleet;
let exporter: Running & { url: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sps-discovery-'));
  // One cluster on 127.0.0.1-5 sharing one port; the exporter is given its Central Management node
  // and, explicitly under a name of its own, one member.
  fleet = await Fleet.start({
    nodes: [{ name: 'cm' }, { name: 'm1' }, { name: 'm2' }, { name: 'm3' }, { name: 'down', scenario: 'hang' }],
    cluster: true,
  });
  const file = writeExporterFiles(fleet, dir, '1s');
  const config = parse(readFileSync(file, 'utf8')) as {
    defaults: Record<string, unknown>;
    targets: Record<string, unknown>[];
  };
  config.defaults.timeout = '500ms';
  Object.assign(config.targets[0]!, { discovery_interval: '1s' });
  config.targets.push({ name: 'listed-m2', url: fleet.node('m2')!.url });
  writeFileSync(file, stringify(config));
  exporter = await startExporter(file);
}, 60_000);

afterAll(async () => {
  await exporter?.stop();
  await fleet?.close();
  rmSync(dir, { recursive: true, force: true });
});

const metrics = async () => (await fetch(`${exporter.url}/metrics`)).text();
const up = (text: string) =>
  lines(text, 'sps_up')
    .map((line) => line.replace(/,environment="simulated"/, ''))
    .sort();

describe('cluster discovery end to end: exporter given the Central Management node only', () => {
  it("polls every member once, with the Central Management node's credentials and a cluster label", async () => {
    const expected = [
      'sps_up{node="cm",cluster="cm"} 1',
      'sps_up{node="down.sps.example",cluster="cm"} 0',
      'sps_up{node="listed-m2"} 1',
      'sps_up{node="m1.sps.example",cluster="cm"} 1',
      'sps_up{node="m3.sps.example",cluster="cm"} 1',
    ];
    const text = await eventually(
      async () => {
        const body = await metrics();
        return JSON.stringify(up(body)) === JSON.stringify(expected) ? body : undefined;
      },
      30_000,
      'every member up',
    );
    // m2 is listed explicitly: polled once, under its configured name, and never as a member.
    expect(text).not.toContain('node="m2.sps.example"');
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a few more polls and discoveries
    expect(fleet.nodes.filter((n) => n.name !== 'down').map((n) => `${n.name} ${n.logins} ${n.failedLogins}`)).toEqual([
      'cm 1 0',
      'm1 1 0',
      'm2 1 0',
      'm3 1 0',
    ]);
    // Every node of the cluster carries its name, so SPSClusterFirmwareMismatch compares them.
    const info = lines(await metrics(), 'sps_info');
    for (const node of ['cm', 'm1.sps.example', 'm3.sps.example'])
      expect(
        info.some((l) => l.includes(`node="${node}"`) && l.includes('cluster="cm"')),
        node,
      ).toBe(true);
    const sd = (await (await fetch(`${exporter.url}/sd`)).json()) as {
      labels: { __param_target: string; cluster?: string };
    }[];
    expect(sd.map((t) => `${t.labels.__param_target} ${t.labels.cluster ?? '-'}`).sort()).toEqual([
      'cm cm',
      'down.sps.example cm',
      'listed-m2 -',
      'm1.sps.example cm',
      'm3.sps.example cm',
    ]);
    expect(exporter.output()).toContain('https://127.0.0.3:');
    expect(exporter.output()).toContain('is polled already as listed-m2');
  });

  it("drops a member that leaves, with all its series, and takes it back when it joins, keeping the others' sessions", async () => {
    fleet.leaveCluster('m3');
    await eventually(
      async () => (!(await metrics()).includes('node="m3.sps.example"') ? true : undefined),
      15_000,
      'm3 gone from /metrics',
    );
    expect((await fetch(`${exporter.url}/probe?target=m3.sps.example`)).status).toBe(404);
    fleet.joinCluster('m3');
    await eventually(
      async () =>
        lines(await metrics(), 'sps_up').some((l) => l.startsWith('sps_up{node="m3.sps.example"') && l.endsWith(' 1'))
          ? true
          : undefined,
      15_000,
      'm3 back',
    );
    expect(fleet.node('m1')!.logins).toBe(1);
    expect(fleet.node('cm')!.logins).toBe(1);
    expect(fleet.node('m3')!.logins).toBe(2);
  });
});
