import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, readTextFile } from '../../src/config/file.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/problems.js';
import { loadWebConfig } from '../../src/server/web-config.js';
import { TestCa } from '../../tools/simulator/certs.js';

let dir: string;
let fifo: string;
let big: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sps-files-'));
  fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  big = join(dir, 'big');
  writeFileSync(big, Buffer.alloc(MAX_FILE_BYTES + 1, 'a'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string[] {
  try {
    parseConfig(text, 't', { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** The message loadWebConfig refuses a web config of this text with. */
function webConfigError(name: string, text: string): string {
  const web = join(dir, name);
  writeFileSync(web, text);
  try {
    loadWebConfig(web);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${name} was accepted`);
}

describe('readTextFile', () => {
  it('reads a regular file, a file reporting size 0 (/proc) and refuses devices, FIFOs, directories and large files without reading them', () => {
    const small = join(dir, 'small');
    writeFileSync(small, 'hello\n');
    expect(readTextFile(small)).toBe('hello\n');
    expect(readTextFile('/proc/self/status')).toContain('Name:');
    expect(() => readTextFile('/dev/zero')).toThrow('not a regular file');
    expect(() => readTextFile(fifo)).toThrow('not a regular file'); // returns at once: nothing writes to it
    expect(() => readTextFile(dir)).toThrow('not a regular file');
    expect(() => readTextFile(big)).toThrow(`larger than ${MAX_FILE_BYTES} bytes`);
    expect(() => readTextFile(join(dir, 'missing'))).toThrow('ENOENT');
  });
});

describe('files named by a config', () => {
  it('a password_file, ca_file or config file that is a device, a FIFO or too large is a config problem', () => {
    const doc = (file: string) =>
      `targets:\n  - { name: a, url: "https://a", username: u, password_file: ${file}, tls: { ca_file: ${file} } }\n`;
    expect(problems(doc('/dev/zero'))).toEqual([
      'targets[0].password_file: cannot read /dev/zero (not a regular file)',
      'targets[0].tls.ca_file: cannot read /dev/zero (not a regular file)',
    ]);
    expect(problems(doc(fifo))).toContain(`targets[0].password_file: cannot read ${fifo} (not a regular file)`);
    expect(problems(doc(big))).toContain(
      `targets[0].password_file: cannot read ${big} (larger than ${MAX_FILE_BYTES} bytes)`,
    );
    expect(() => loadConfig('/dev/zero')).toThrow('cannot read config file (not a regular file)');
    expect(() => loadConfig(fifo)).toThrow('cannot read config file (not a regular file)');
  });

  it('the web config and its certificate files likewise', () => {
    expect(() => loadWebConfig(fifo)).toThrow('cannot read web config file (not a regular file)');
    const web = join(dir, 'web.yml');
    writeFileSync(web, `tls_server_config: { cert_file: /dev/zero, key_file: ${fifo} }\n`);
    expect(() => loadWebConfig(web)).toThrow('tls_server_config.cert_file: cannot read /dev/zero (not a regular file)');
  });
});

describe('file paths with ${VAR}', () => {
  it("reads password_file and ca_file from an environment variable's folder, as systemd's $CREDENTIALS_DIRECTORY", () => {
    writeFileSync(join(dir, 'sps-password'), 'from-credentials\n');
    const ca = new TestCa().certPem;
    writeFileSync(join(dir, 'ca.pem'), ca);
    const doc =
      'targets:\n  - { name: a, url: "https://a", username: u, password_file: "${CREDENTIALS_DIRECTORY}/sps-password", tls: { ca_file: "${CREDENTIALS_DIRECTORY}/ca.pem" } }\n';
    const target = parseConfig(doc, 't', { env: { CREDENTIALS_DIRECTORY: dir } }).targets[0]!;
    expect(target.password.reveal()).toBe('from-credentials');
    expect(target.tls.ca).toBe(ca.replace(/\r?\n$/, ''));
    expect(problems(doc).map((p) => p.replace(/ \(systemd sets it .*\)$/, ''))).toEqual([
      'targets[0].password_file: environment variable CREDENTIALS_DIRECTORY is not set',
      'targets[0].tls.ca_file: environment variable CREDENTIALS_DIRECTORY is not set',
    ]);
  });
});

describe('--check-config names every problem in one run', () => {
  it("a typo'd key hides no missing password_file, ca_file or unset variable; a ca_file without a certificate is refused", () => {
    const noCert = join(dir, 'not-a-ca.pem');
    writeFileSync(noCert, 'just text\n');
    const doc = `defaults: { username: u, intervall: 30s }\ntargets:\n  - { name: a, url: "https://a", passwrd: x, password_file: /nonexistent/pw, tls: { ca_file: /nonexistent/ca.pem } }\n  - { name: b, url: "https://b", password: "\${UNSET}", tls: { ca_file: ${noCert} } }\n`;
    expect(problems(doc)).toEqual([
      'defaults: unknown key "intervall"',
      'targets[0]: unknown key "passwrd"',
      'targets[0].password_file: cannot read /nonexistent/pw (ENOENT)',
      'targets[0].tls.ca_file: cannot read /nonexistent/ca.pem (ENOENT)',
      'targets[1].password: environment variable UNSET is not set',
      `targets[1].tls.ca_file: ${noCert} holds no PEM certificate`,
    ]);
  });

  it('the web config too: an unknown key, an unreadable certificate and a bad user hash together', () => {
    const message = webConfigError(
      'web-all.yml',
      'tls_server_config: { cert_file: /nonexistent/tls.crt, key_file: /nonexistent/tls.key }\nbasic_auth_users: { admin: plaintext }\nhttp_server_config: { http2: true }\n',
    );
    for (const expected of [
      'unsupported key(s) http_server_config',
      'basic_auth_users.admin: must be a bcrypt hash',
      'tls_server_config.cert_file: cannot read /nonexistent/tls.crt (ENOENT)',
      'tls_server_config.key_file: cannot read /nonexistent/tls.key (ENOENT)',
    ]) {
      expect(message).toContain(expected);
    }
  });
});

describe('YAML problems never repeat the text', () => {
  it('an unquoted password starting with * is an alias to no anchor: named by line, the value never shown', () => {
    const found = problems(
      'targets:\n  - name: a\n    url: https://a\n    username: u\n    password: *Xy9-S3cretPassw0rd\n',
    );
    expect(found).toEqual([
      'YAML line 5: an alias (a value starting with *) refers to no anchor; quote the value if it is meant literally',
    ]);
    expect(found.join('\n')).not.toContain('S3cret');
  });

  it('other syntax errors by line and kind only', () => {
    const found = problems('targets:\n  - name: a\n    password: "top-secret\n');
    expect(found.length).toBeGreaterThan(0);
    for (const problem of found) expect(problem).toMatch(/^YAML line \d+: [a-z ]+$/);
    expect(problems('a: 1\na: "hunter2"\ntargets: []\n')).toEqual(['YAML line 2: a key is repeated in one mapping']);
  });

  it('the web config too', () => {
    const message = webConfigError('alias.yml', 'basic_auth_users:\n  admin: *S3cretHash\n');
    expect(message).toContain('YAML line 2: an alias');
    expect(message).not.toContain('S3cretHash');
  });
});
