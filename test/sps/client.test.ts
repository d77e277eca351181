import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { SpsClient } from '../../src/sps/client.js';
import { SpsError, type FailureReason } from '../../src/sps/errors.js';
import { loginBackoffMs } from '../../src/sps/backoff.js';
import { fakeAppliance } from '../../tools/simulator/appliance.js';
import { TestCa } from '../../tools/simulator/certs.js';
import { sendJson, startHttps, testTls, type Handler, type LocalServer } from '../helpers/https-server.js';
import { failedLogins } from '../helpers/logins.js';

const PASSWORD = 'correct horse';
const servers: LocalServer[] = [];
const clients: SpsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The simulator's appliance with the test's credentials: sessions s1, s2, ...; `data` answers each authenticated request. */
function fakeSps(options: { password?: string; data?: Handler } = {}) {
  const { data } = options;
  const sps = fakeAppliance({
    username: 'monitor',
    password: options.password ?? PASSWORD,
    countedSessionIds: true,
    ...(data ? { answer: (req: IncomingMessage, res: ServerResponse) => data(req, res) } : {}),
  });
  return { handler: sps.handler, live: sps.state.sessions, issued: () => sps.state.logins };
}

function client(
  server: { url: string },
  overrides: Partial<ConstructorParameters<typeof SpsClient>[0]['target']> = {},
  now?: () => number,
): SpsClient {
  const c = new SpsClient({
    target: {
      origin: server.url,
      username: 'monitor',
      password: new Secret(PASSWORD),
      tls: { ca: testTls().ca.certPem, insecureSkipVerify: false },
      timeoutMs: 2_000,
      maxResponseBytes: 64 * 1024,
      intervalMs: 30_000,
      session: { minRequests: 10, minAgeMs: 600_000 },
      proxy: undefined,
      ...overrides,
    },
    now,
  });
  clients.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<SpsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpsError);
  return error as SpsError;
}

async function expectReason(promise: Promise<unknown>, reason: FailureReason): Promise<SpsError> {
  const error = await failure(promise);
  expect(error.reason).toBe(reason);
  return error;
}

describe('SpsClient sessions', () => {
  it('logs in once and sends the session cookie on every later request', async () => {
    const sps = fakeSps();
    const server = await startHttps(sps.handler);
    servers.push(server);
    const c = client(server);
    for (let i = 0; i < 5; i++)
      expect(await c.getJson('/api/health_status')).toEqual({ health_status: { load1: 1, session: 's1' } });
    expect(c.logins).toBe(1);
    expect(sps.issued()).toBe(1);
    const data = server.requests.filter((r) => r.path !== '/api/authentication');
    expect(data.every((r) => r.headers.cookie === 'session_id=s1')).toBe(true);
    expect(data.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('keeps one connection across requests and counts a new one when the node closes it; the session survives', async () => {
    const sps = fakeSps({
      data: (req, res) =>
        sendJson(res, 200, { health_status: { load1: 1 } }, req.url === '/close' ? { connection: 'close' } : {}),
    });
    const server = await startHttps(sps.handler);
    servers.push(server);
    const c = client(server);
    for (let i = 0; i < 3; i++) await c.getJson('/api/health_status');
    expect(c.connections).toBe(1);
    await c.getJson('/close');
    await c.getJson('/api/health_status');
    expect(c.connections).toBe(2);
    expect(c.logins).toBe(1);
  });

  it('logs in again once and retries once when SPS has dropped a session that proved itself', async () => {
    let now = 1_000_000;
    const sps = fakeSps();
    const server = await startHttps(sps.handler);
    servers.push(server);
    const c = client(server, {}, () => now);
    await c.getJson('/api/health_status');
    now += 600_000;
    sps.live.clear(); // the 20-minute idle expiry, or a restart of SPS
    expect(await c.getJson('/api/health_status')).toEqual({ health_status: { load1: 1, session: 's2' } });
    expect(c.logins).toBe(2);
    expect(failedLogins(c)).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/authentication',
      '/api/health_status',
      '/api/health_status',
      '/api/authentication',
      '/api/health_status',
    ]);
  });

  it('a session ended before it served session.minRequests requests or lived session.minAgeMs is a failed login, backed off', async () => {
    let now = 1_000_000;
    const sps = fakeSps();
    const server = await startHttps(sps.handler);
    servers.push(server);
    const c = client(server, { session: { minRequests: 3, minAgeMs: 600_000 } }, () => now);
    await c.getJson('/api/health_status');
    await c.getJson('/api/health_status');
    sps.live.clear();
    const error = await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(error.message).toMatch(/ended a session after 2 request\(s\).*failed login/);
    expect(failedLogins(c)).toBe(1);
    expect(c.loginBlockedForMs).toBe(loginBackoffMs(1));
    expect((await expectReason(c.getJson('/api/health_status'), 'auth')).message).toMatch(/backing off/);
    expect(sps.issued()).toBe(1);
    // Proven by its requests: three accepted, and a drop after that is free, ending the backoff.
    now += loginBackoffMs(1);
    for (let i = 0; i < 3; i++) await c.getJson('/api/health_status');
    sps.live.clear();
    await c.getJson('/api/health_status');
    expect(failedLogins(c)).toBe(1);
    expect(c.loginBlockedForMs).toBe(0);
    expect(sps.issued()).toBe(3);
  });

  it('keeps the last session_id of several, and follows a Set-Cookie on any answer (RFC 6265)', async () => {
    const cookies: (string | undefined)[] = [];
    const server = await startHttps((req, res) => {
      cookies.push(req.headers.cookie);
      if (req.url === '/api/authentication')
        return sendJson(res, 200, {}, {
          'set-cookie': ['session_id=first; Path=/', 'lang=en', 'session_id=second; Path=/'],
        } as never);
      if (req.url === '/rotate') return sendJson(res, 200, {}, { 'set-cookie': 'session_id=third; Path=/; HttpOnly' });
      sendJson(res, 200, { ok: true });
    });
    servers.push(server);
    const c = client(server);
    await c.getJson('/a');
    await c.getJson('/rotate');
    await c.getJson('/b');
    expect(cookies).toEqual([undefined, 'session_id=second', 'session_id=second', 'session_id=third']);
    expect(c.logins).toBe(1);
    expect(failedLogins(c)).toBe(0);
  });

  it('counts only the logins that reached the node: none for a closed port, an unknown host or a TLS failure', async () => {
    const closed = await startHttps(() => {});
    await closed.close();
    const refused = client(closed);
    for (let i = 0; i < 3; i++) await expectReason(refused.getJson('/api/health_status'), 'connect');
    expect(refused.logins).toBe(0);
    const unknown = client({ url: 'https://no-such-host.invalid' });
    await expectReason(unknown.getJson('/api/health_status'), 'connect');
    expect(unknown.logins).toBe(0);
    const server = await startHttps(fakeSps().handler);
    servers.push(server);
    const untrusted = client(server, { tls: { ca: new TestCa('another CA').certPem, insecureSkipVerify: false } });
    for (let i = 0; i < 3; i++) await expectReason(untrusted.getJson('/api/health_status'), 'tls');
    expect(untrusted.logins).toBe(0);
    const trusted = client(server);
    await trusted.getJson('/api/health_status');
    expect(trusted.logins).toBe(1);
  });

  it('does not loop when SPS refuses every session it issues, and backs off', async () => {
    let now = 1_000_000;
    const sps = fakeSps({ data: (_req, res) => sendJson(res, 401, {}) });
    const server = await startHttps(sps.handler);
    servers.push(server);
    const c = client(server, {}, () => now);
    await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(sps.issued()).toBe(1);
    expect(failedLogins(c)).toBe(1);
    const blocked = await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(blocked.message).toMatch(/backing off/);
    expect(sps.issued()).toBe(1);
    now += loginBackoffMs(1);
    await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(sps.issued()).toBe(2);
  });

  it('backs off exponentially after a rejected login and never sends the password while backing off', async () => {
    let now = 5_000_000;
    const sps = fakeSps({ password: 'something else' });
    const server = await startHttps(sps.handler);
    servers.push(server);
    const c = client(server, {}, () => now);
    const attempts = () => server.requests.filter((r) => r.path === '/api/authentication').length;
    const error = await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(error.status).toBe(401);
    expect(attempts()).toBe(1);
    for (let failures = 1; failures <= 7; failures++) {
      now += loginBackoffMs(failures) - 1;
      await expectReason(c.getJson('/api/health_status'), 'auth');
      expect(attempts()).toBe(failures); // still waiting
      now += 1;
      await expectReason(c.getJson('/api/health_status'), 'auth');
      expect(attempts()).toBe(failures + 1);
    }
    expect(failedLogins(c)).toBe(8);
    expect(c.logins).toBe(8);
    expect(loginBackoffMs(7)).toBe(600_000);
  });

  it('treats a login answer without a session cookie as a failed login, naming the cookie expected and the ones set', async () => {
    const now = 1_000_000;
    const server = await startHttps((_req, res) => sendJson(res, 200, {}, { 'set-cookie': 'sessid=abc123; Path=/' }));
    servers.push(server);
    const c = client(server, {}, () => now);
    const error = await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(error.message).toMatch(/without a usable session_id cookie \(cookies set: sessid\)/);
    expect(error.message).not.toMatch(/abc123/);
    expect(failedLogins(c)).toBe(1);
    await expectReason(c.getJson('/api/health_status'), 'auth');
    expect(server.requests).toHaveLength(1); // backing off
  });
});

describe('SpsClient failure reasons', () => {
  const data = async (handler: Handler, overrides = {}) => {
    const server = await startHttps(fakeSps({ data: handler }).handler);
    servers.push(server);
    return client(server, overrides).getJson('/api/health_status');
  };

  it('http with the status for a 5xx, auth for a 403', async () => {
    expect(
      (
        await expectReason(
          data((_q, r) => sendJson(r, 503, {}, { 'retry-after': '30' })),
          'http',
        )
      ).status,
    ).toBe(503);
    expect(
      (
        await expectReason(
          data((_q, r) => sendJson(r, 500, { error: 'boom' })),
          'http',
        )
      ).status,
    ).toBe(500);
    expect(
      (
        await expectReason(
          data((_q, r) => sendJson(r, 403, {})),
          'auth',
        )
      ).status,
    ).toBe(403);
  });

  it('does not follow a redirect (credentials stay with the configured node)', async () => {
    const error = await expectReason(
      data((_q, r) => {
        r.writeHead(302, { location: 'https://elsewhere.example.com/api/health_status' });
        r.end();
      }),
      'http',
    );
    expect(error.status).toBe(302);
  });

  it('http, not connect, for an answer that is not valid HTTP: the connection worked, the answer did not', async () => {
    const raw =
      (text: string): Handler =>
      (_q, r) => {
        r.socket!.write(text);
        r.socket!.destroy();
      };
    const answers = {
      'an invalid header character': 'HTTP/1.1 200 OK\r\nX-A\x01b: c\r\nContent-Length: 2\r\n\r\n{}',
      'a bare-LF status line': 'HTTP/1.1 200 OK\nContent-Length: 2\n\n{}',
      'two Content-Lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'Content-Length and Transfer-Encoding':
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      'headers over 16 KiB': `HTTP/1.1 200 OK\r\nX-Big: ${'x'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`,
    };
    for (const [what, text] of Object.entries(answers)) {
      const error = await expectReason(data(raw(text)), 'http');
      expect(error.message, what).toMatch(/\/api\/health_status/);
    }
  });

  it('reads JSON behind a UTF-8 byte order mark', async () => {
    expect(await data((_q, r) => sendJson(r, 200, '\ufeff{"health_status": {"load1": 2}}'))).toEqual({
      health_status: { load1: 2 },
    });
  });

  it('parse for HTML, empty or truncated bodies', async () => {
    await expectReason(
      data((_q, r) => {
        r.writeHead(200, { 'content-type': 'text/html' });
        r.end('<html>Gateway</html>');
      }),
      'parse',
    );
    await expectReason(
      data((_q, r) => sendJson(r, 200, '')),
      'parse',
    );
    await expectReason(
      data((_q, r) => sendJson(r, 200, '{"health_status": {"cpu": 1.0 "disk": 2}')),
      'parse',
    );
  });

  it('too_large for a declared or streamed body over the cap', async () => {
    await expectReason(
      data((_q, r) => sendJson(r, 200, 'x'.repeat(70 * 1024))),
      'too_large',
    );
    const streamed = await expectReason(
      data((_q, r) => {
        r.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'y'.repeat(16 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 10_000 && r.write(chunk)) sent++;
          if (sent < 10_000 && !r.destroyed) r.once('drain', pump);
          else r.end();
        };
        pump();
      }),
      'too_large',
    );
    expect(streamed.message).toMatch(/exceeds/);
  });

  it('timeout when the node never answers', async () => {
    const started = Date.now();
    await expectReason(
      data(() => {}, { timeoutMs: 300 }),
      'timeout',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('timeout when the body trickles past the deadline', async () => {
    await expectReason(
      data(
        (_q, r) => {
          r.writeHead(200, { 'content-type': 'application/json' });
          r.write('{"health_status": ');
          const timer = setInterval(() => (r.destroyed ? clearInterval(timer) : r.write(' ')), 50);
        },
        { timeoutMs: 400 },
      ),
      'timeout',
    );
  });

  it('connect when nothing listens', async () => {
    const server = await startHttps(() => {});
    await server.close();
    const error = await expectReason(client(server).getJson('/api/health_status'), 'connect');
    expect(error.message).toBe(
      `connection to 127.0.0.1:${server.port} failed (ECONNREFUSED): nothing listens there, or a firewall refuses: check the host and port in url`,
    );
  });

  it('connect when the connection is reset mid-body', async () => {
    await expectReason(
      data((req, r) => {
        r.writeHead(200, { 'content-length': '1000' });
        r.write('{"health');
        setTimeout(() => req.socket.destroy(), 20);
      }),
      'connect',
    );
  });
});

describe('SpsClient TLS', () => {
  it('tls when the certificate is signed by another CA, and no login is sent', async () => {
    const sps = fakeSps();
    const server = await startHttps(sps.handler);
    servers.push(server);
    await expectReason(
      client(server, { tls: { ca: new TestCa('another CA').certPem, insecureSkipVerify: false } }).getJson(
        '/api/health_status',
      ),
      'tls',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('accepts any certificate with insecure_skip_verify', async () => {
    const server = await startHttps(fakeSps().handler);
    servers.push(server);
    expect(await client(server, { tls: { insecureSkipVerify: true } }).getJson('/api/health_status')).toBeTruthy();
  });

  it('checks the certificate against server_name when one is set', async () => {
    const named = testTls().ca.issue({ commonName: 'sps.example.com', hosts: ['sps.example.com'] });
    const server = await startHttps(fakeSps().handler, named);
    servers.push(server);
    const ca = testTls().ca.certPem;
    const wrongName = await expectReason(
      client(server, { tls: { ca, insecureSkipVerify: false } }).getJson('/api/health_status'),
      'tls',
    );
    expect(wrongName.message).toMatch(
      /\(ERR_TLS_CERT_ALTNAME_INVALID\): the certificate does not name this host: use a name it holds in url, or set tls.server_name to one$/,
    );
    expect(
      await client(server, { tls: { ca, insecureSkipVerify: false, serverName: 'sps.example.com' } }).getJson(
        '/api/health_status',
      ),
    ).toBeTruthy();
  });

  it('tls, not connect, whatever the verification code: a CA that changed (same name, other key), a self-signed certificate, a plain-HTTP port', async () => {
    const sameNameOtherKey = new TestCa(); // the name testTls's CA has: OpenSSL finds it, and its signature fails
    const changed = await startHttps(
      fakeSps().handler,
      sameNameOtherKey.issue({ commonName: 'localhost', hosts: ['127.0.0.1'] }),
    );
    servers.push(changed);
    // Each message says what was tried and what to check, in the exporter's words beside OpenSSL's code.
    expect((await expectReason(client(changed).getJson('/api/health_status'), 'tls')).message).toMatch(
      new RegExp(
        `^TLS handshake with 127\\.0\\.0\\.1:${changed.port} failed \\((CERT_SIGNATURE_FAILURE|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\\): the node's certificate is not signed by a CA in tls.ca_file`,
      ),
    );
    const selfSigned = new TestCa('localhost');
    const own = await startHttps(fakeSps().handler, { certPem: selfSigned.certPem, keyPem: selfSigned.keyPem });
    servers.push(own);
    expect((await expectReason(client(own).getJson('/api/health_status'), 'tls')).message).toMatch(
      /not signed by a CA in tls\.ca_file|not made for a TLS server/,
    );
    const plain = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const error = await expectReason(
        client({ url: `https://127.0.0.1:${(plain.address() as AddressInfo).port}` }).getJson('/api/health_status'),
        'tls',
      );
      expect(error.message).toMatch(
        /\(ERR_SSL_[A-Z_]+\): the port does not speak TLS \(plain HTTP\?\): check the port in url$/,
      );
    } finally {
      plain.close();
    }
  });

  it('tls for an expired certificate', async () => {
    const expired = testTls().ca.issue({
      commonName: 'localhost',
      hosts: ['127.0.0.1'],
      notBefore: new Date(Date.now() - 20 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const server = await startHttps(fakeSps().handler, expired);
    servers.push(server);
    const error = await expectReason(client(server).getJson('/api/health_status'), 'tls');
    expect(error.message).toMatch(/CERT_HAS_EXPIRED/);
  });
});
