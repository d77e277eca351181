import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { Fleet, type FleetOptions } from '../../tools/simulator/fleet.js';

export interface FleetFiles {
  /** The temporary directory the exporter's files are in; a test may add its own. */
  readonly dir: string;
  readonly fleet: Fleet;
  /** The exporter's config for the fleet (1 s interval), beside its CA and password files. */
  readonly configFile: string;
}

/**
 * A simulated fleet and the exporter's files for it, started before the tests of the calling
 * file and removed after them. Its fields are set once the file's tests start.
 */
export function fleetWithFiles(name: string, nodes: FleetOptions['nodes']): FleetFiles {
  const files = {} as { dir: string; fleet: Fleet; configFile: string };
  beforeAll(async () => {
    files.dir = mkdtempSync(join(tmpdir(), `sps-${name}-`));
    files.fleet = await Fleet.start({ nodes });
    files.configFile = writeExporterFiles(files.fleet, files.dir, '1s');
  });
  afterAll(async () => {
    await files.fleet.close();
    rmSync(files.dir, { recursive: true, force: true });
  });
  return files;
}
