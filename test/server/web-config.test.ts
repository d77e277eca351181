import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { LOOPBACK_HOSTS, TestCa } from '../../tools/simulator/certs.js';
import { EXPORTER_MAIN, run, type Running } from '../helpers/process.js';

let dir: string;
let fleet: Fleet;
let configFile: string;
let exporter: Running;
let client: Client;
const ca = new TestCa('exporter web CA');

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sps-web-'));
  fleet = await Fleet.start({ nodes: [{ name: 'one' }] });
  configFile = writeExporterFiles(fleet, dir, '1s');
  const cert = ca.issue({ commonName: 'sps-exporter', hosts: LOOPBACK_HOSTS });
  const web = write(
    'web.yml',
    `tls_server_config:\n  cert_file: ${write('tls.crt', cert.certPem)}\n  key_file: ${write('tls.key', cert.keyPem)}\nbasic_auth_users:\n  prometheus: '${bcrypt.hashSync('scrape-secret', 4)}'\n`,
  );
  exporter = run(process.execPath, [
    EXPORTER_MAIN,
    `--config.file=${configFile}`,
    `--web.config.file=${web}`,
    '--web.listen-address=127.0.0.1:0',
  ]);
  const [, port] = await exporter.waitFor(/"port":(\d+).*"msg":"listening"/);
  client = new Client(`https://127.0.0.1:${port}`, { connect: { ca: ca.certPem } });
});

afterAll(async () => {
  await client?.close();
  await exporter?.stop();
  await fleet.close();
  rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
async function call(path: string, authorization?: string, method: 'GET' | 'POST' = 'GET') {
  const res = await client.request({ path, method, headers: authorization ? { authorization } : {} });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

describe('--web.config.file', () => {
  it('serves TLS with the configured certificate', async () => {
    expect(exporter.output()).toContain('"tls":true');
    const plain = await fetch(
      exporter
        .output()
        .match(/"port":(\d+)/)![0]
        .replace('"port":', 'http://127.0.0.1:') + '/-/healthy',
    ).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);
    expect((await call('/-/healthy')).status).toBe(200);
    const other = new Client(`https://127.0.0.1:${exporter.output().match(/"port":(\d+)/)![1]}`, {
      connect: { ca: new TestCa('someone else').certPem },
    });
    await expect(other.request({ path: '/-/healthy', method: 'GET' })).rejects.toThrow();
    await other.close();
  });

  it('refuses a missing or wrong password on every protected endpoint, and accepts the right one', async () => {
    for (const [path, method] of [
      ['/metrics', 'GET'],
      ['/probe?target=one', 'GET'],
      ['/sd', 'GET'],
      ['/-/reload', 'POST'],
      ['/', 'GET'],
    ] as const) {
      for (const auth of [undefined, basic('prometheus', 'wrong'), basic('nobody', 'scrape-secret'), 'Bearer x']) {
        const res = await call(path, auth, method);
        expect(res.status, `${method} ${path} with ${auth}`).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
      }
      expect((await call(path, basic('prometheus', 'scrape-secret'), method)).status, `${method} ${path}`).toBe(200);
    }
    expect((await call('/-/ready')).status).toBe(200);
  });

  it('refuses a malformed web config at start with a clear message', () => {
    const cases: [string, RegExp][] = [
      ['basic_auth_users: [', /is not valid YAML/],
      [
        'tls_server_config: { cert_file: /nonexistent.crt, key_file: /nonexistent.key }',
        /tls_server_config.cert_file: cannot read \/nonexistent.crt \(ENOENT\)/,
      ],
      [
        `tls_server_config: { cert_file: ${join(dir, 'web.yml')}, key_file: ${join(dir, 'web.yml')} }`,
        /tls_server_config: the certificate and key do not load/,
      ],
      ['basic_auth_users: { admin: plaintext }', /basic_auth_users.admin: must be a bcrypt hash/],
      ['http_server_config: { http2: true }', /unsupported key\(s\) http_server_config/],
    ];
    for (const [text, message] of cases) {
      const result = spawnSync(
        process.execPath,
        [
          EXPORTER_MAIN,
          `--config.file=${configFile}`,
          `--web.config.file=${write('bad-web.yml', text)}`,
          '--check-config',
        ],
        { encoding: 'utf8' },
      );
      expect(result.status, text).toBe(1);
      expect(result.stderr, text).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('re-reads the web config on reload: a rotated password hash and certificate apply at once, an invalid file is refused and the old one kept', async () => {
    const webFile = join(dir, 'web.yml');
    const original = readFileSync(webFile, 'utf8');
    const port = Number(exporter.output().match(/"port":(\d+)/)![1]);
    const fingerprint = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: ca.certPem, servername: 'localhost' }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.on('error', reject);
      });
    const before = await fingerprint();
    try {
      const rotated = ca.issue({ commonName: 'sps-exporter rotated', hosts: LOOPBACK_HOSTS });
      write(
        'web.yml',
        `tls_server_config:\n  cert_file: ${write('tls2.crt', rotated.certPem)}\n  key_file: ${write('tls2.key', rotated.keyPem)}\nbasic_auth_users:\n  prometheus: '${bcrypt.hashSync('rotated-secret', 4)}'\n`,
      );
      const reloaded = await call('/-/reload', basic('prometheus', 'scrape-secret'), 'POST');
      expect(reloaded.status, reloaded.body).toBe(200);
      const fresh = new Client(`https://127.0.0.1:${port}`, { connect: { ca: ca.certPem } }); // a new connection sees the new certificate
      try {
        const status = async (password: string) =>
          (
            await fresh.request({
              path: '/metrics',
              method: 'GET',
              headers: { authorization: basic('prometheus', password) },
            })
          ).statusCode;
        expect(await status('scrape-secret')).toBe(401);
        expect(await status('rotated-secret')).toBe(200);
      } finally {
        await fresh.close();
      }
      expect(await fingerprint()).not.toBe(before);

      write('web.yml', 'basic_auth_users: { prometheus: plaintext }\n');
      const refused = await call('/-/reload', basic('prometheus', 'rotated-secret'), 'POST');
      expect(refused.status).toBe(500);
      expect(refused.body).toContain('basic_auth_users.prometheus: must be a bcrypt hash');
      expect((await call('/metrics', basic('prometheus', 'rotated-secret'))).status).toBe(200); // the old one kept
    } finally {
      writeFileSync(webFile, original);
      await call('/-/reload', basic('prometheus', 'rotated-secret'), 'POST');
    }
  });
});
