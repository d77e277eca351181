import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseConfig } from '../../src/config/load.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { NodePoller } from '../../src/poller/node.js';
import { LOGIN_BACKOFF_MAX_MS, loginBackoffMs } from '../../src/sps/backoff.js';
import type { FailureReason } from '../../src/sps/errors.js';
import { sendJson, startHttps, testTls, type Handler, type LocalServer } from '../helpers/https-server.js';
import { failedLogins } from '../helpers/logins.js';
import { fakeAppliance } from '../../tools/simulator/appliance.js';
import { silentLog } from '../helpers/targets.js';

const DAY_MS = 24 * 3_600_000;
/** What the pollers log in with. */
const CREDENTIALS = { username: 'monitor', password: 'pw' };
const POLL_MS = 30_000;

/** Login attempts the documented curve allows in `span`: one now, then after 30s, 1m, 2m, 4m, 8m, then every 10m. */
function allowedAttempts(span: number): number {
  let attempts = 0;
  for (let t = 0, failures = 0; t <= span; t += loginBackoffMs(++failures)) attempts++;
  return attempts;
}

const isLogin = (req: IncomingMessage) => req.url === '/api/authentication';
/** Writes `raw` as the whole answer, bypassing Node's HTTP writer (which would refuse to send it). */
const rawAnswer = (res: ServerResponse, raw: string) => {
  res.socket!.write(raw);
  res.socket!.destroy();
};
/** A node that answers every login with `answer`, and every other request with 401 (no session). */
const loginAnswers = (answer: (res: ServerResponse) => void): Handler => fakeAppliance({ loginAnswer: answer }).handler;

interface HostileNode {
  handler: () => Handler;
  /** The reason its failed logins are counted under. */
  reason: FailureReason;
  /** A request timeout shorter than the 5 s default, for a node that never answers. */
  timeout?: string;
  /** The fewest logins a day it still gets: the exporter keeps trying, so a fixed node is picked up within 10 minutes. */
  atLeast?: number;
}

/** Nodes that never let a session last, each in its own way: every answer kind seen from real appliances, proxies and portals. */
const hostile: Record<string, HostileNode> = {
  'rejects every login (401)': {
    reason: 'auth',
    handler: () => loginAnswers((res) => sendJson(res, 401, { error: { type: 'AuthenticationFailure' } })),
  },
  'answers every login with 500': {
    reason: 'http',
    handler: () => loginAnswers((res) => sendJson(res, 500, { error: 'internal' })),
  },
  'answers every login with 503 and Retry-After: 3600': {
    reason: 'http',
    atLeast: Math.floor(DAY_MS / LOGIN_BACKOFF_MAX_MS), // the pause asked for is capped at the backoff maximum
    handler: () => loginAnswers((res) => sendJson(res, 503, 'busy', { 'retry-after': '3600' })),
  },
  'answers every login with 429': {
    reason: 'http',
    handler: () => loginAnswers((res) => sendJson(res, 429, { error: 'too many requests' })),
  },
  'redirects every login to a login page (302)': {
    reason: 'http',
    handler: () =>
      loginAnswers((res) => {
        res.writeHead(302, { location: '/login?next=/api/authentication', 'content-length': 0 });
        res.end();
      }),
  },
  'answers every login with an HTML page and no cookie': {
    reason: 'auth',
    handler: () =>
      loginAnswers((res) =>
        sendJson(res, 200, '<html><body>Please sign in</body></html>', { 'content-type': 'text/html' }),
      ),
  },
  'sets a 20 KB cookie at login (over the 16 KiB header limit)': {
    reason: 'http',
    handler: () =>
      loginAnswers((res) =>
        rawAnswer(
          res,
          `HTTP/1.1 200 OK\r\nSet-Cookie: session_id=${'x'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`,
        ),
      ),
  },
  'sets 3,000 cookies at login': {
    reason: 'http',
    handler: () =>
      loginAnswers((res) =>
        rawAnswer(
          res,
          `HTTP/1.1 200 OK\r\n${Array.from({ length: 3000 }, (_, i) => `Set-Cookie: c${i}=v\r\n`).join('')}Content-Length: 2\r\n\r\n{}`,
        ),
      ),
  },
  'answers logins with malformed HTTP (bare LF)': {
    reason: 'http',
    handler: () =>
      loginAnswers((res) => rawAnswer(res, 'HTTP/1.1 200 OK\nSet-Cookie: session_id=abc\nContent-Length: 2\n\n{}')),
  },
  'answers logins later than the timeout': {
    reason: 'timeout',
    timeout: '100ms',
    handler: () => loginAnswers(() => {}),
  },
  'refuses every session it issues': {
    reason: 'auth',
    handler: () => fakeAppliance({ ...CREDENTIALS, sessionRequests: 0 }).handler,
  },
  // A load balancer without sticky sessions in front of two nodes behaves the same.
  'honours each session for exactly one request': {
    reason: 'auth',
    handler: () => fakeAppliance({ ...CREDENTIALS, sessionRequests: 1 }).handler,
  },
  'sets its cookie under another name': {
    reason: 'auth',
    handler: () => loginAnswers((res) => sendJson(res, 200, {}, { 'set-cookie': 'sessid=abc; Path=/' })),
  },
  'deletes the session cookie on every answer': {
    reason: 'auth',
    handler: () => {
      let issued = 0;
      return (req, res) =>
        isLogin(req)
          ? sendJson(res, 200, {}, { 'set-cookie': `session_id=s${++issued}` })
          : sendJson(res, 200, { health_status: { load1: 1 } }, { 'set-cookie': 'session_id=; Max-Age=0' });
    },
  },
};

const servers = new Map<string, LocalServer>();
beforeAll(async () => {
  for (const [name, node] of Object.entries(hostile)) servers.set(name, await startHttps(node.handler()));
});
afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

/** A day of 30-second polls by the real poller (every endpoint a poll reads); returns the login attempts that reached the node, and the poller. */
async function pollForADay(server: LocalServer, timeout = '5s'): Promise<{ attempts: number; poller: NodePoller }> {
  let now = 0;
  const doc = {
    targets: [{ name: 'hostile', url: server.url, ...CREDENTIALS, interval: '30s', timeout }],
  };
  const target = parseConfig(JSON.stringify(doc), 'test', {}).targets[0]!;
  target.tls.ca = testTls().ca.certPem;
  const poller = new NodePoller({ target, log: silentLog, exposition: new Exposition(), now: () => now });
  try {
    for (; now <= DAY_MS; now += POLL_MS) await poller.poll();
    return { attempts: server.requests.filter((r) => r.path === '/api/authentication').length, poller };
  } finally {
    await poller.close();
  }
}

describe('lockout safety over 24 simulated hours of 30-second polls', () => {
  it('the backoff curve allows 148 logins a day', () => {
    expect(allowedAttempts(DAY_MS)).toBe(148);
  });

  for (const [name, node] of Object.entries(hostile)) {
    it(`a node that ${name} costs no more logins than the backoff curve allows, each counted as failed with reason ${node.reason}`, async () => {
      const server = servers.get(name)!;
      const { attempts, poller } = await pollForADay(server, node.timeout);
      expect(attempts).toBeLessThanOrEqual(allowedAttempts(DAY_MS));
      expect(attempts).toBeGreaterThanOrEqual(node.atLeast ?? 140);
      expect(poller.client.logins).toBe(attempts);
      expect(failedLogins(poller.client)).toBe(attempts);
      expect([...poller.client.loginFailures].filter(([, count]) => count > 0).map(([reason]) => reason)).toEqual([
        node.reason,
      ]);
      expect(poller.lastError?.reason).toBe(node.reason);
      expect(poller.healthOk).toBe(false);
      const data = server.requests.length - attempts;
      expect(data).toBeLessThanOrEqual(2 * attempts); // at most the accepted request and the refused one per session: never a retry storm
    });
  }

  it('a Retry-After on a failed login is a floor for the next attempt, capped at the backoff maximum', async () => {
    let now = 0;
    const answers = ['120', '999999', new Date(12 * 60_000 + 300_000).toUTCString(), new Date(0).toUTCString()];
    const server = await startHttps(
      loginAnswers((res) => sendJson(res, 503, 'busy', { 'retry-after': answers.shift() ?? '0' })),
    );
    const doc = { targets: [{ name: 'busy', url: server.url, username: 'monitor', password: 'pw' }] };
    const target = parseConfig(JSON.stringify(doc), 'test', {}).targets[0]!;
    target.tls.ca = testTls().ca.certPem;
    const poller = new NodePoller({ target, log: silentLog, exposition: new Exposition(), now: () => now });
    try {
      await poller.poll();
      expect(poller.client.loginBlockedForMs).toBe(120_000); // above the first backoff step of 30 s
      now += 120_000;
      await poller.poll();
      expect(poller.client.loginBlockedForMs).toBe(LOGIN_BACKOFF_MAX_MS); // 999999 s, capped
      now = 12 * 60_000;
      await poller.poll();
      expect(poller.client.loginBlockedForMs).toBe(300_000); // an HTTP date 5 minutes ahead
      now += 300_000;
      await poller.poll();
      expect(poller.client.loginBlockedForMs).toBe(loginBackoffMs(4)); // a date in the past: the backoff rules
      expect(server.requests.filter((r) => r.path === '/api/authentication')).toHaveLength(4);
    } finally {
      await poller.close();
      await server.close();
    }
  });
});
