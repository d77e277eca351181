import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { run } from '../helpers/process.js';

const RAW_CLIENT = fileURLToPath(new URL('../../build/tools/bench/raw-client.js', import.meta.url));
let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start({ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
});
afterAll(() => fleet.close());

describe('bench raw-TLS client', () => {
  it('polls every node over one session with the two GETs a poll makes, and reports its totals', async () => {
    const config = writeExporterFiles(fleet, mkdtempSync(join(tmpdir(), 'sps-raw-')), '1s');
    const client = run(process.execPath, [RAW_CLIENT, `--config.file=${config}`]);
    try {
      const [, line] = await client.waitFor(/^(\{"polls":(?:[6-9]|\d\d+),.*\})$/m, 30_000); // two rounds of polls, at least
      const totals = JSON.parse(line!) as { polls: number; errors: number; logins: number; answered: number };
      expect(totals.errors).toBe(0);
      expect(totals.logins).toBe(3);
      expect(totals.answered).toBe(3);
    } finally {
      await client.stop();
    }
    for (const node of fleet.nodes) {
      expect(node.logins, node.name).toBe(1);
      expect(node.requests, node.name).toBeGreaterThanOrEqual(5); // a login, then two GETs a poll
    }
  });
});
