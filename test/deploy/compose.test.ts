import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXPORTER_MAIN, run } from '../helpers/process.js';

const composeFile = fileURLToPath(new URL('../../deploy/docker-compose.yml', import.meta.url));
const compose = parse(readFileSync(composeFile, 'utf8')) as {
  services: Record<string, { volumes?: string[]; command?: string[]; entrypoint?: string[] }>;
};

describe('deploy/docker-compose.yml', () => {
  it('passes docker-compose config', () => {
    const result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('mounts only files and folders that exist', () => {
    const mounts = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.startsWith('.'));
    expect(mounts.length).toBeGreaterThanOrEqual(6);
    for (const mount of mounts) {
      const path = resolve(dirname(composeFile), mount.split(':')[0]!);
      expect(existsSync(path), path).toBe(true);
    }
  });

  it('runs the simulator as the stack does, and the exporter accepts the config it writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sps-compose-'));
    try {
      const service = compose.services.simulator!;
      const args = service.command!.map((arg, i, all) =>
        all[i - 1] === '--port'
          ? '0'
          : all[i - 1] === '--write-config'
            ? dir
            : all[i - 1] === '--host'
              ? '127.0.0.1'
              : arg,
      );
      const simulator = run(process.execPath, [
        fileURLToPath(new URL(`../../${service.entrypoint![1]}`, import.meta.url)),
        ...args,
      ]);
      try {
        await simulator.waitFor(/simulator listening/);
        const config = readFileSync(join(dir, 'exporter.yaml'), 'utf8');
        expect(config).toContain('url: https://simulator:');
        expect((parse(config) as { targets: unknown[] }).targets).toHaveLength(6);
        const check = spawnSync(
          process.execPath,
          [EXPORTER_MAIN, `--config.file=${join(dir, 'exporter.yaml')}`, '--check-config'],
          {
            encoding: 'utf8',
          },
        );
        expect(check.stderr).toBe('');
        expect(check.stdout).toContain('ok, 6 target(s)');
        const exporter = compose.services.exporter!;
        expect(exporter.command).toEqual(['--config.file=/shared/exporter.yaml']);
      } finally {
        await simulator.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
