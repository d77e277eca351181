import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { run } from '../helpers/process.js';

const TRANSPORT = fileURLToPath(new URL('../../build/tools/bench/transport.js', import.meta.url));
let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start({ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
});
afterAll(() => fleet.close());

describe('bench transport floor', () => {
  it('polls every node over one session with the two GETs a poll makes, and reports its CPU per 1000 polls', async () => {
    const config = writeExporterFiles(fleet, mkdtempSync(join(tmpdir(), 'sps-transport-')), '1s');
    const transport = run(process.execPath, [TRANSPORT, `--config.file=${config}`, '--seconds', '2']);
    const [, line] = await transport.waitFor(/^(\{"transport_.*\})$/m, 30_000);
    expect(await transport.exited()).toBe(0);
    const result = JSON.parse(line!) as Record<string, number>;
    expect(result.transport_errors).toBe(0);
    expect(result.transport_logins_per_node).toBe(1);
    expect(result.transport_polls_per_second).toBeGreaterThan(1.5); // 3 nodes every second
    expect(result.transport_polls_per_second).toBeLessThan(4.5);
    expect(result.transport_cpu_seconds_per_1000_polls).toBeGreaterThan(0);
    // A login, then two requests a poll: nothing else (no /api/info, no cluster status).
    for (const node of fleet.nodes) expect(node.requests % 2, node.name).toBe(1);
  });
});
