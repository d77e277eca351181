import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { fakeAppliance } from '../../tools/simulator/appliance.js';
import { startHttps, testTls, type LocalServer } from '../helpers/https-server.js';

const servers: LocalServer[] = [];
const agent = new Agent({ connect: { ca: testTls().ca.certPem } });
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function get(server: LocalServer, path: string, headers: Record<string, string> = {}) {
  const res = await request(`${server.url}${path}`, { dispatcher: agent, headers });
  return { status: res.statusCode, cookie: res.headers['set-cookie'], body: await res.body.text() };
}
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('fakeAppliance', () => {
  it("keeps SPS's sessions: a login by basic auth, numbered sessions, 401 without one, idle sessions gone", async () => {
    let now = 0;
    const sps = fakeAppliance({ username: 'mon', password: 'pw', countedSessionIds: true, now: () => now });
    const server = await startHttps(sps.handler);
    servers.push(server);
    expect((await get(server, '/api/health_status')).status).toBe(401);
    expect((await get(server, '/api/authentication', basic('mon', 'nope'))).status).toBe(401);
    const login = await get(server, '/api/authentication', basic('mon', 'pw'));
    expect(login.cookie).toBe('session_id=s1; Path=/; Secure; HttpOnly');
    const data = await get(server, '/api/health_status', { cookie: 'session_id=s1' });
    expect(JSON.parse(data.body)).toEqual({ health_status: { load1: 1, session: 's1' } });
    now += 20 * 60_000 + 1;
    expect((await get(server, '/api/health_status', { cookie: 'session_id=s1' })).status).toBe(401);
    expect(sps.state).toMatchObject({ logins: 1, failedLogins: 1 });
  });

  it('answers every login as told, for a hostile node, and still refuses data without a session', async () => {
    const sps = fakeAppliance({ loginAnswer: (res) => res.writeHead(503, { 'retry-after': '60' }).end('busy') });
    const server = await startHttps(sps.handler);
    servers.push(server);
    expect((await get(server, '/api/authentication', basic('monitoring', 'simulated-password'))).status).toBe(503);
    expect((await get(server, '/api/health_status')).status).toBe(401);
    expect(sps.state.logins).toBe(0);
  });

  it('refuses a session after the requests it was given, for a node that does not let one last', async () => {
    const sps = fakeAppliance({ username: 'mon', password: 'pw', countedSessionIds: true, sessionRequests: 1 });
    const server = await startHttps(sps.handler);
    servers.push(server);
    await get(server, '/api/authentication', basic('mon', 'pw'));
    const statuses = [];
    for (let i = 0; i < 2; i++)
      statuses.push((await get(server, '/api/health_status', { cookie: 'session_id=s1' })).status);
    expect(statuses).toEqual([200, 401]);
  });
});
