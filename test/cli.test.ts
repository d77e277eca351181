import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetWithFiles } from './helpers/fleet-files.js';
import { parseCli, parseListenAddress } from '../src/cli.js';
import { EXPORTER_MAIN, run } from './helpers/process.js';
import { toLogfmt } from '../src/log.js';

const files = fleetWithFiles('cli', [{ name: 'alpha' }, { name: 'beta' }, { name: 'gamma' }]);

const cli = (...args: string[]) => spawnSync(process.execPath, [EXPORTER_MAIN, ...args], { encoding: 'utf8' });
/** The exporter run from `cwd`, as an operator in another directory would. */
const cliIn = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [EXPORTER_MAIN, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, CREDENTIALS_DIRECTORY: undefined },
  });

describe('command line', () => {
  it('reads relative paths in the config and the web config from their own directory, whatever the working directory', () => {
    const etc = mkdtempSync(join(tmpdir(), 'sps-etc-'));
    writeFileSync(join(etc, 'password'), 'pw\n', { mode: 0o600 });
    writeFileSync(join(etc, 'ca.pem'), files.fleet.caPem);
    writeFileSync(
      join(etc, 'config.yaml'),
      'defaults: { username: u, password_file: ./password, tls: { ca_file: ca.pem } }\ntargets: [{ name: a, url: "https://a.example" }]\n',
    );
    writeFileSync(
      join(etc, 'web.yml'),
      'basic_auth_users: { prometheus: "$2b$10$s7pEJ2WWFm8IZkfEskIseOWbqcTET4BhIMygI.dtZ2rlA80Z5Ysqa" }\n',
      { mode: 0o600 },
    );
    const elsewhere = mkdtempSync(join(tmpdir(), 'sps-cwd-'));
    const result = cliIn(
      elsewhere,
      `--config.file=${join(etc, 'config.yaml')}`,
      `--web.config.file=${join(etc, 'web.yml')}`,
      '--check-config',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${join(etc, 'config.yaml')}: ok, 1 target(s)\n`);
    expect(result.status).toBe(0);
    // Relative to the config's directory, not the working directory: a password there is not read.
    writeFileSync(join(elsewhere, 'only-here'), 'pw');
    writeFileSync(
      join(etc, 'other.yaml'),
      'defaults: { username: u, password_file: only-here }\ntargets: [{ name: a, url: "https://a.example" }]\n',
    );
    const missing = cliIn(elsewhere, `--config.file=${join(etc, 'other.yaml')}`, '--check-config');
    expect(missing.stderr).toContain(`defaults.password_file: cannot read ${join(etc, 'only-here')} (ENOENT)`);
  });

  it('warns of risky settings in --check-config (exit 0; --strict fails), naming each once', () => {
    const etc = mkdtempSync(join(tmpdir(), 'sps-risky-'));
    writeFileSync(join(etc, 'password'), 'pw', { mode: 0o644 });
    writeFileSync(
      join(etc, 'web.yml'),
      'basic_auth_users: { prometheus: "$2b$10$s7pEJ2WWFm8IZkfEskIseOWbqcTET4BhIMygI.dtZ2rlA80Z5Ysqa" }\n',
      { mode: 0o604 },
    );
    writeFileSync(
      join(etc, 'config.yaml'),
      'defaults: { username: u, password_file: password, tls: { insecure_skip_verify: true } }\ntargets:\n  - { name: a, url: "https://a.example" }\n  - { name: b, url: "https://b.example", password: "hunter2" }\n  - { name: c, url: "https://c.example", password: "${SPS_PW}" }\n',
    );
    const args = [
      `--config.file=${join(etc, 'config.yaml')}`,
      `--web.config.file=${join(etc, 'web.yml')}`,
      '--check-config',
    ];
    const result = spawnSync(process.execPath, [EXPORTER_MAIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SPS_PW: 'x' },
    });
    expect(result.status).toBe(0);
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual([
      `warning: defaults.password_file: ${join(etc, 'password')} is readable by every user (mode 644): chmod 600 (or 640 with the exporter's group)`,
      "warning: defaults.tls.insecure_skip_verify: the nodes' certificates are not verified, so whoever can intercept the connection gets the monitoring password: set tls.ca_file (and server_name) instead",
      'warning: targets[1].password: the password is written in the config file, which is rarely kept as a secret: use password_file (or ${VAR})',
      `warning: --web.config.file: ${join(etc, 'web.yml')} is readable by every user (mode 604): chmod 600 (or 640 with the exporter's group) (it holds the basic auth hashes)`,
    ]);
    expect(result.stdout).not.toContain('hunter2');
    expect(result.stdout).toContain('ok, 3 target(s), 4 warning(s)');
    const strict = spawnSync(process.execPath, [EXPORTER_MAIN, ...args, '--strict'], {
      encoding: 'utf8',
      env: { ...process.env, SPS_PW: 'x' },
    });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('--strict: 4 warning(s)');
  });

  it("names how to check a systemd unit's config by hand when CREDENTIALS_DIRECTORY is not set", () => {
    const etc = mkdtempSync(join(tmpdir(), 'sps-creds-'));
    writeFileSync(
      join(etc, 'config.yaml'),
      'defaults: { username: u, password_file: "${CREDENTIALS_DIRECTORY}/sps-password" }\ntargets: [{ name: a, url: "https://a.example" }]\n',
    );
    const result = cliIn(etc, `--config.file=${join(etc, 'config.yaml')}`, '--check-config');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "defaults.password_file: environment variable CREDENTIALS_DIRECTORY is not set (systemd sets it for the unit's LoadCredential=; check the unit's config as the unit runs it: systemd-run --pipe --wait -p LoadCredential=",
    );
  });

  it('--web.telemetry-path: a path of its own, or a message naming the flag', () => {
    expect(parseCli([]).telemetryPath).toBe('/metrics');
    expect(parseCli(['--web.telemetry-path=/sps/metrics']).telemetryPath).toBe('/sps/metrics');
    for (const bad of ['metrics', '/probe', '/', '/-/reload', '/a b', '/x?y'])
      expect(() => parseCli([`--web.telemetry-path=${bad}`]), bad).toThrow(
        /--web.telemetry-path: .* must be a path starting with \//,
      );
  });

  it('--check-config accepts a good config', () => {
    const result = cli(`--config.file=${files.configFile}`, '--check-config');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ok, 3 target(s)');
  });

  it('--check-config warns of two targets with the same url', () => {
    const twice = join(files.dir, 'twice.yaml');
    writeFileSync(
      twice,
      'defaults: { username: u, password: p }\ntargets:\n  - { name: a, url: "https://sps.example.com" }\n  - { name: b, url: "https://SPS.example.com:443/" }\n',
    );
    const result = cli(`--config.file=${twice}`, '--check-config');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('warning: targets "a" and "b" have the same url https://sps.example.com');
  });

  it('--check-config lists every problem and exits non-zero, without a stack trace', () => {
    const bad = join(files.dir, 'bad.yaml');
    writeFileSync(
      bad,
      'defaults: { username: u, password: "s3cret-value" }\ntargets:\n  - { name: a, url: "http://a" }\n  - { name: b, url: "https://b", bogus: 1 }\n',
    );
    const result = cli(`--config.file=${bad}`, '--check-config');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('targets[0].url: must be an https URL');
    expect(result.stderr).toContain('targets[1]: unknown key "bogus"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('s3cret-value');
  });

  it('rejects unknown flags and bad values with usage', () => {
    expect(cli('--nope').status).toBe(1);
    const level = cli('--log.level=loud');
    expect(level.status).toBe(1);
    expect(level.stderr).toContain('--log.level');
    expect(cli('--gc.mode=small').status).toBe(1); // no garbage collector tuning for operators
    expect(cli('--version').stdout).toMatch(/^sps-exporter \d+\.\d+\.\d+/);
  });

  it('--log.format=logfmt prints logfmt lines, quoting what needs it', async () => {
    const exporter = run(process.execPath, [
      EXPORTER_MAIN,
      `--config.file=${files.configFile}`,
      '--web.listen-address=127.0.0.1:0',
      '--log.format=logfmt',
    ]);
    try {
      const [line] = await exporter.waitFor(/^time=\S+ level=info msg=listening .*port=\d+.*$/m, 10_000);
      expect(line).not.toContain('{"');
      expect(toLogfmt('{"time":"t","level":"warn","msg":"poll failed","node":"a b","err":"x=\\"1\\"","n":3}')).toBe(
        'time=t level=warn msg="poll failed" node="a b" err="x=\\"1\\"" n=3\n',
      );
      expect(cli('--log.format=xml').stderr).toContain('--log.format: must be one of json, logfmt');
    } finally {
      await exporter.stop();
    }
  });

  it('parses listen addresses', () => {
    expect(parseListenAddress(':9684')).toEqual({ host: undefined, port: 9684 });
    expect(parseListenAddress('127.0.0.1:80')).toEqual({ host: '127.0.0.1', port: 80 });
    expect(parseListenAddress('[::1]:9684')).toEqual({ host: '::1', port: 9684 });
    for (const bad of ['9684', 'host:', ':99999', 'a:b:1']) expect(() => parseListenAddress(bad), bad).toThrow();
  });
});
