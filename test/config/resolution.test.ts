import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interpolate, readFileAt, type Resolution } from '../../src/config/resolution.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sps-resolution-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const resolution = (env: NodeJS.ProcessEnv = {}): Resolution => ({
  env,
  baseDir: dir,
  files: new Map(),
  problems: [],
  warnings: new Set(),
});

describe('interpolate', () => {
  it('replaces ${VAR} with its value and $$ with $, and leaves a lone $ as it is', () => {
    const r = resolution({ HOST: 'sps1', EMPTY: '' });
    expect(interpolate('https://${HOST}:443/$$x/$HOST/${EMPTY}.', 'targets[0].url', r)).toBe(
      'https://sps1:443/$x/$HOST/.',
    );
    expect(r.problems).toEqual([]);
  });

  it('names each variable that is not set, with its config path, and says how systemd sets CREDENTIALS_DIRECTORY', () => {
    const r = resolution();
    expect(interpolate('${A}/${CREDENTIALS_DIRECTORY}/p', 'defaults.password_file', r)).toBe('//p');
    expect(r.problems[0]).toBe('defaults.password_file: environment variable A is not set');
    expect(r.problems[1]).toMatch(
      /^defaults\.password_file: environment variable CREDENTIALS_DIRECTORY is not set \(systemd sets it for the unit's LoadCredential=/,
    );
  });
});

describe('readFileAt', () => {
  it("reads a file relative to the config's directory once per load, one trailing newline taken off", () => {
    writeFileSync(join(dir, 'password'), 'secret\n\n', { mode: 0o600 });
    const r = resolution();
    expect(readFileAt('password', 'a', r, { secret: true })).toBe('secret\n');
    rmSync(join(dir, 'password'));
    expect(readFileAt('./password', 'b', r, { secret: true })).toBe('secret\n'); // the same file, not read again
    expect(r.problems).toEqual([]);
    expect(r.warnings.size).toBe(0);
  });

  it('takes ${VAR} in the path, and reads nothing when the variable is not set', () => {
    writeFileSync(join(dir, 'sps-password'), 'pw', { mode: 0o600 });
    expect(
      readFileAt('${CREDENTIALS_DIRECTORY}/sps-password', 'p', resolution({ CREDENTIALS_DIRECTORY: dir }), {
        secret: true,
      }),
    ).toBe('pw');
    const unset = resolution();
    expect(readFileAt('${CREDENTIALS_DIRECTORY}/sps-password', 'p', unset, { secret: true })).toBe('');
    expect(unset.problems).toHaveLength(1);
    expect(unset.problems[0]).toMatch(/^p: environment variable CREDENTIALS_DIRECTORY is not set/);
  });

  it('names a file it cannot read by its absolute path and why, never with content', () => {
    const r = resolution();
    expect(readFileAt('missing.pem', 'targets[0].tls.ca_file', r, { secret: false })).toBe('');
    expect(readFileAt(dir, 'targets[1].tls.ca_file', r, { secret: false })).toBe('');
    expect(r.problems).toEqual([
      `targets[0].tls.ca_file: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
      `targets[1].tls.ca_file: cannot read ${dir} (not a regular file)`,
    ]);
  });

  it('warns once about a secret others can read, and not about a CA file', () => {
    writeFileSync(join(dir, 'open'), 'pw');
    chmodSync(join(dir, 'open'), 0o644);
    const r = resolution();
    readFileAt('open', 'defaults.password_file', r, { secret: true });
    readFileAt('open', 'targets[0].tls.ca_file', r, { secret: false });
    expect([...r.warnings]).toHaveLength(1);
    expect([...r.warnings][0]).toMatch(/^defaults\.password_file: .*open is readable by every user \(mode 644\)/);
  });
});
