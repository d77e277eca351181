import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { Scheduler } from '../src/poller/scheduler.js';
import { Exposition } from '../src/exposition/exposition.js';
import { createApp } from '../src/server/app.js';
import { createSelfRegistry } from '../src/server/self-metrics.js';
import { fakeAppliance, type FakeApplianceOptions } from '../tools/simulator/appliance.js';
import { Fleet } from '../tools/simulator/fleet.js';
import { SCENARIOS } from '../tools/simulator/responses.js';
import { serve } from './helpers/http.js';
import { sendJson, startHttps, testTls, type LocalServer } from './helpers/https-server.js';
import { fleetConfig } from './helpers/targets.js';

const PASSWORD = 'Pa55-w0rd-that-must-never-show';
const logged: string[] = [];
const log = createLogger('debug', new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) }));

let fleet: Fleet;
let appliances: ReturnType<typeof fakeAppliance>[] = [];
let servers: LocalServer[] = [];
let scheduler: Scheduler;
let http: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  fleet = await Fleet.start({
    nodes: SCENARIOS.filter((s) => s !== 'slow').map((scenario) => ({ scenario })),
    password: PASSWORD,
    flapPeriodMs: 1_000,
  });
  // Appliances that log in as SPS does, then misbehave on every other request.
  const misbehaving = (fields: Omit<FakeApplianceOptions, 'username' | 'password'>) =>
    fakeAppliance({ username: fleet.username, password: PASSWORD, ...fields });
  appliances = [
    misbehaving({ sessionRequests: 0 }), // 401 after every login
    misbehaving({ answer: (_req, res) => sendJson(res, 200, 'x'.repeat(100_000)) }), // too large
    misbehaving({ answer: (_req, res) => res.writeHead(302, { location: 'https://elsewhere/' }).end() }),
    misbehaving({ answer: (_req, res) => sendJson(res, 200, '<html>oops</html>') }),
  ];
  servers = await Promise.all(appliances.map((appliance) => startHttps(appliance.handler)));
  const config = fleetConfig(fleet, { interval: '1s', timeout: '800ms', max_response_bytes: 65_536 });
  const template = config.targets[0]!;
  servers.forEach((server, i) =>
    config.targets.push({
      ...template,
      name: `bad-${i}`,
      origin: server.url,
      tls: { ...template.tls, ca: testTls().ca.certPem },
      fingerprint: `bad-${i}`,
    }),
  );
  scheduler = new Scheduler({ log: log, exposition: new Exposition() });
  scheduler.apply(config);
  for (let round = 0; round < 3; round++) await Promise.all(scheduler.nodes.map((node) => node.poll()));
  http = await serve(
    createApp({
      scheduler,
      selfRegistry: createSelfRegistry('test').registry,
      version: 'test',
      reload: () => Promise.resolve(undefined),
      maxRequests: 40,
      externalUrl: () => new URL('http://exporter.example:9684/'),
    }),
  );
});

afterAll(async () => {
  await http.close();
  await scheduler.stop();
  await fleet.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('secrets', () => {
  it('the password, the basic-auth header and the session cookies appear in no log, page, metric or error', async () => {
    const pages = [await (await fetch(`${http.url}/metrics`)).text(), await (await fetch(`${http.url}/`)).text()];
    for (const node of scheduler.nodes)
      pages.push(await (await fetch(`${http.url}/probe?target=${encodeURIComponent(node.name)}`)).text());
    const errors = scheduler.nodes.map((n) => JSON.stringify(n.lastError ?? {}));
    const everything = [...logged, ...pages, ...errors].join('\n');

    // The failure paths really ran, at debug level.
    expect(logged.some((l) => l.includes('"level":"debug"'))).toBe(true);
    for (const reason of ['auth', 'parse', 'too_large', 'http', 'timeout'])
      expect(everything, reason).toContain(`"reason":"${reason}"`);

    const sessions = [
      ...fleet.nodes.flatMap((n) => [...n.sessions.keys()]),
      ...appliances.flatMap((a) => [...a.state.sessions.keys()]),
    ];
    expect(sessions.length).toBeGreaterThan(3);
    expect(appliances.every((a) => a.state.logins > 0)).toBe(true);
    const forbidden = [PASSWORD, Buffer.from(`${fleet.username}:${PASSWORD}`).toString('base64'), ...sessions];
    for (const secret of forbidden) expect(everything.includes(secret), `leaked ${secret.slice(0, 6)}...`).toBe(false);
  });
});
