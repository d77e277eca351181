import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { eventually, startExporter, type Running } from '../helpers/process.js';
import { lines } from '../helpers/targets.js';

let dir: string;
let fleet: Fleet;
const shards: (Running & { url: string })[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sps-shards-'));
  fleet = await Fleet.start({ nodes: Array.from({ length: 30 }, () => ({})) });
  const config = writeExporterFiles(fleet, dir, '1s');
  // As a StatefulSet of three runs them: the same flags, the index from each pod's name.
  for (let ordinal = 0; ordinal < 3; ordinal++)
    shards.push(
      await startExporter(config, ['--shard=auto/3'], { ...process.env, HOSTNAME: `sps-exporter-${ordinal}` }),
    );
}, 60_000);

afterAll(async () => {
  await Promise.all(shards.map((s) => s.stop()));
  await fleet.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('three shards over 30 nodes, each taking its index from its hostname (--shard=auto/3)', () => {
  it('poll every node, each by exactly one replica, and list only their own nodes in /sd', async () => {
    const upNodes = async (shard: { url: string }) =>
      lines(await (await fetch(`${shard.url}/metrics`)).text(), 'sps_up')
        .filter((l) => l.endsWith(' 1'))
        .map((l) => /node="([^"]+)"/.exec(l)![1]!);
    const owned = await eventually(
      async () => {
        const perShard = await Promise.all(shards.map(upNodes));
        return perShard.flat().length === 30 ? perShard : undefined;
      },
      30_000,
      'all 30 nodes up across the shards',
    );
    expect(new Set(owned.flat()).size).toBe(30);
    for (const nodes of owned) expect(nodes.length).toBeGreaterThan(0);
    expect(fleet.nodes.map((n) => n.logins)).toEqual(fleet.nodes.map(() => 1));
    for (const [ordinal, shard] of shards.entries()) expect(shard.output()).toContain(`"shard":"${ordinal}/3"`);
    for (const [index, shard] of shards.entries()) {
      const sd = (await (await fetch(`${shard.url}/sd`)).json()) as { labels: { __param_target: string } }[];
      expect(sd.map((t) => t.labels.__param_target).sort(), `shard ${index}`).toEqual([...owned[index]!].sort());
    }
  });
});
