import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { loginBackoffMs } from '../../src/sps/backoff.js';
import { SpsClient } from '../../src/sps/client.js';
import { sendJson, startHttps, testTls, type LocalServer } from '../helpers/https-server.js';

const DAY_MS = 24 * 3_600_000;
const POLL_MS = 30_000;

/** Login attempts the documented curve allows in `span`: one now, then after 30s, 1m, 2m, 4m, 8m, then every 10m. */
function allowedAttempts(span: number): number {
  let attempts = 0;
  for (let t = 0, failures = 0; t <= span; t += loginBackoffMs(++failures)) attempts++;
  return attempts;
}

let refuseLogin: LocalServer;
let refuseSession: LocalServer;
beforeAll(async () => {
  refuseLogin = await startHttps((_req, res) => sendJson(res, 401, { error: { type: 'AuthenticationFailure' } }));
  refuseSession = await startHttps((req, res) =>
    req.url === '/api/authentication' ? sendJson(res, 200, {}, { 'set-cookie': `session_id=s${Date.now()}` }) : sendJson(res, 401, { error: { type: 'Unauthenticated' } }),
  );
});
afterAll(async () => {
  await refuseLogin.close();
  await refuseSession.close();
});

async function pollForADay(server: LocalServer): Promise<number> {
  let now = 0;
  const client = new SpsClient({
    target: { origin: server.url, username: 'monitor', password: new Secret('wrong'), tls: { ca: testTls().ca.certPem, insecureSkipVerify: false }, timeoutMs: 2_000, maxResponseBytes: 65_536, intervalMs: POLL_MS },
    now: () => now,
  });
  try {
    for (; now <= DAY_MS; now += POLL_MS) await client.getJson('/api/health_status').catch(() => undefined);
    return server.requests.filter((r) => r.path === '/api/authentication').length;
  } finally {
    await client.close();
  }
}

describe('lockout safety over 24 simulated hours of 30-second polls', () => {
  it('a wrong password costs no more logins than the backoff curve allows', async () => {
    const attempts = await pollForADay(refuseLogin);
    expect(allowedAttempts(DAY_MS)).toBe(148);
    expect(attempts).toBeLessThanOrEqual(allowedAttempts(DAY_MS));
    expect(attempts).toBeGreaterThan(140); // it does keep trying, so a fixed password is picked up within 10 minutes
  });

  it('a node that refuses every session it issues does not loop either', async () => {
    const logins = await pollForADay(refuseSession);
    expect(logins).toBeLessThanOrEqual(allowedAttempts(DAY_MS));
    const data = refuseSession.requests.filter((r) => r.path !== '/api/authentication').length;
    expect(data).toBe(logins); // one request per issued session, never a retry storm
  });
});
