import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { Secret } from '../../src/config/secret.js';
import { loginBackoffMs } from '../../src/sps/backoff.js';
import { SpsClient } from '../../src/sps/client.js';
import { sendJson, startHttps, testTls, type Handler, type LocalServer } from '../helpers/https-server.js';

const DAY_MS = 24 * 3_600_000;
const POLL_MS = 30_000;
const SESSION = { minRequests: 10, minAgeMs: 600_000 };

/** Login attempts the documented curve allows in `span`: one now, then after 30s, 1m, 2m, 4m, 8m, then every 10m. */
function allowedAttempts(span: number): number {
  let attempts = 0;
  for (let t = 0, failures = 0; t <= span; t += loginBackoffMs(++failures)) attempts++;
  return attempts;
}

const isLogin = (req: IncomingMessage) => req.url === '/api/authentication';
const cookieOf = (req: IncomingMessage) => /session_id=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];

/** Nodes that never let a session last, each in its own way. */
const hostile: Record<string, () => Handler> = {
  'rejects every login': () => (_req, res) => sendJson(res, 401, { error: { type: 'AuthenticationFailure' } }),
  'refuses every session it issues': () => (req, res) =>
    isLogin(req) ? sendJson(res, 200, {}, { 'set-cookie': `session_id=s${Date.now()}` }) : sendJson(res, 401, { error: { type: 'Unauthenticated' } }),
  // A load balancer without sticky sessions in front of two nodes behaves the same.
  'honours each session for exactly one request': () => {
    const used = new Set<string>();
    let issued = 0;
    return (req, res) => {
      if (isLogin(req)) return sendJson(res, 200, {}, { 'set-cookie': `session_id=s${++issued}` });
      const id = cookieOf(req);
      if (!id || used.has(id)) return sendJson(res, 401, {});
      used.add(id);
      sendJson(res, 200, { health_status: { load1: 1 } });
    };
  },
  'sets its cookie under another name': () => (req, res) =>
    isLogin(req) ? sendJson(res, 200, {}, { 'set-cookie': 'sessid=abc; Path=/' }) : sendJson(res, 401, {}),
  'deletes the session cookie on every answer': () => {
    let issued = 0;
    return (req, res) =>
      isLogin(req)
        ? sendJson(res, 200, {}, { 'set-cookie': `session_id=s${++issued}` })
        : sendJson(res, 200, { health_status: { load1: 1 } }, { 'set-cookie': 'session_id=; Max-Age=0' });
  },
};

const servers = new Map<string, LocalServer>();
beforeAll(async () => {
  for (const [name, make] of Object.entries(hostile)) servers.set(name, await startHttps(make()));
});
afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

/** A day of 30-second polls of three requests each; returns the logins sent and the client's counters. */
async function pollForADay(server: LocalServer): Promise<{ attempts: number; client: SpsClient }> {
  let now = 0;
  const client = new SpsClient({
    target: { origin: server.url, username: 'monitor', password: new Secret('pw'), tls: { ca: testTls().ca.certPem, insecureSkipVerify: false }, timeoutMs: 2_000, maxResponseBytes: 65_536, intervalMs: POLL_MS, session: SESSION, proxy: undefined },
    now: () => now,
  });
  try {
    for (; now <= DAY_MS; now += POLL_MS) {
      for (const path of ['/api/health_status', '/api/indexer/dashboard', '/api/info']) {
        if (!(await client.getJson(path).then(() => true, () => false))) break; // a failed request ends the poll, as in the poller
      }
    }
    return { attempts: server.requests.filter((r) => r.path === '/api/authentication').length, client };
  } finally {
    await client.close();
  }
}

describe('lockout safety over 24 simulated hours of 30-second polls', () => {
  it('the backoff curve allows 148 logins a day', () => {
    expect(allowedAttempts(DAY_MS)).toBe(148);
  });

  for (const name of Object.keys(hostile)) {
    it(`a node that ${name} costs no more logins than the backoff curve allows, each counted as failed`, async () => {
      const server = servers.get(name)!;
      const { attempts, client } = await pollForADay(server);
      expect(attempts).toBeLessThanOrEqual(allowedAttempts(DAY_MS));
      expect(attempts).toBeGreaterThan(140); // it does keep trying, so a fixed node is picked up within 10 minutes
      expect(client.logins).toBe(attempts);
      expect(client.loginFailures).toBe(attempts);
      const data = server.requests.length - attempts;
      expect(data).toBeLessThanOrEqual(2 * attempts); // at most the accepted request and the refused one per session: never a retry storm
    });
  }
});
