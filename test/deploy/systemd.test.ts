import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const unitFile = fileURLToPath(new URL('../../deploy/systemd/sps-exporter.service', import.meta.url));
const dockerfile = readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8');

/** systemd-analyze on a copy of the unit (it reads the file name as the unit's name). */
function analyze(...args: string[]) {
  const copy = join(mkdtempSync(join(tmpdir(), 'sps-systemd-')), 'sps-exporter.service');
  copyFileSync(unitFile, copy);
  const result = spawnSync('systemd-analyze', [...args, copy], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

/** Whether this machine runs systemd as init, so systemd-run can start a transient unit (not in most containers). */
const systemdRuns =
  spawnSync('systemd-run', ['--pipe', '--wait', '--quiet', 'true'], { encoding: 'utf8' }).status === 0;

describe('deploy/systemd/sps-exporter.service', () => {
  it.skipIf(!systemdRuns)(
    'its config can be checked by hand the way the unit runs it: systemd-run with the same LoadCredential=',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'sps-credential-'));
      writeFileSync(join(dir, 'password'), 'pw', { mode: 0o600 });
      writeFileSync(
        join(dir, 'config.yaml'),
        'defaults: { username: u, password_file: "${CREDENTIALS_DIRECTORY}/sps-password" }\ntargets: [{ name: a, url: "https://a.example" }]\n',
      );
      const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
      const result = spawnSync(
        'systemd-run',
        [
          '--pipe',
          '--wait',
          '--quiet',
          '-p',
          `LoadCredential=sps-password:${join(dir, 'password')}`,
          process.execPath,
          main,
          `--config.file=${join(dir, 'config.yaml')}`,
          '--check-config',
        ],
        { encoding: 'utf8' },
      );
      expect(result.stdout).toContain('ok, 1 target(s)');
      expect(result.status).toBe(0);
    },
  );

  it('passes systemd-analyze verify', () => {
    const result = analyze('verify');
    expect(result.stderr.split('\n').filter((line) => line.includes('sps-exporter'))).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('rates 1.5 or lower in systemd-analyze security', () => {
    const result = analyze('security', '--offline=yes', '--no-pager');
    const exposure = Number(/Overall exposure level for sps-exporter\.service: ([\d.]+)/.exec(result.stdout)?.[1]);
    expect(exposure).toBeLessThanOrEqual(1.5);
  });

  it("reads the password as a credential, reloads by SIGHUP, and runs node with the image's heap flags", () => {
    const unit = readFileSync(unitFile, 'utf8');
    expect(unit).toMatch(/^DynamicUser=yes$/m);
    expect(unit).toMatch(/^LoadCredential=sps-password:/m);
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    const entrypoint = JSON.parse([...dockerfile.matchAll(/^ENTRYPOINT (\["node", .*\])$/gm)].at(-1)![1]!) as string[];
    expect(unit).toContain(`node ${entrypoint.slice(1, -1).join(' ')} /opt/sps-exporter/dist/main.js`);
  });
});
