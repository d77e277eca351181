import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/poller/scheduler.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { createApp } from '../../src/server/app.js';
import { RESERVED_LABELS } from '../../src/config/schema.js';
import { createSelfRegistry } from '../../src/server/self-metrics.js';
import { Fleet } from '../../tools/simulator/fleet.js';
import { SCENARIOS } from '../../tools/simulator/responses.js';
import { fleetConfig, lines, silentLog } from '../helpers/targets.js';
import { DAYS_NOTE, promtoolCheckMetrics, serve } from '../helpers/http.js';

let fleet: Fleet;
let scheduler: Scheduler;
let server: Awaited<ReturnType<typeof serve>>;
const reloads: string[] = [];

beforeAll(async () => {
  fleet = await Fleet.start({
    nodes: SCENARIOS.filter((s) => s !== 'slow' && s !== 'hang').map((scenario) => ({ scenario })),
  });
  scheduler = new Scheduler({ log: silentLog, exposition: new Exposition() });
  scheduler.apply(fleetConfig(fleet, { labels: { site: 'lab' } }));
  await Promise.all(scheduler.nodes.map((node) => node.poll()));
  const self = createSelfRegistry('1.2.3');
  server = await serve(
    createApp({
      scheduler,
      selfRegistry: self.registry,
      version: '1.2.3',
      maxRequests: 40,
      externalUrl: () => new URL('http://exporter.example:9684/'),
      reload: () => {
        reloads.push('reload');
        return Promise.resolve(reloads.length > 1 ? 'targets[0].url: must be an https URL' : undefined);
      },
    }),
  );
});
afterAll(async () => {
  await server.close();
  await scheduler.stop();
  await fleet.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

/** A GET with this Accept-Encoding and the body as sent (fetch would ask for gzip itself and inflate it). */
function rawGet(
  path: string,
  acceptEncoding: string,
  headers: Record<string, string> = {},
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${server.url}${path}`, { headers: { 'accept-encoding': acceptEncoding, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('/metrics', () => {
  it('serves every node in the text format that promtool accepts', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    expect(lines(body, 'sps_up')).toHaveLength(fleet.nodes.length);
    expect(body).toContain('sps_exporter_build_info{version="1.2.3"');
    expect(body).toContain('process_cpu_seconds_total');
    // Only the documented base-unit note on the days-to-expiry gauge operators asked for by name.
    expect(promtoolCheckMetrics(body)).toEqual([DAYS_NOTE]);
  });

  it('gzips /metrics and /probe for a client that asks for it, as Prometheus does, and sends them plain with a length otherwise', async () => {
    for (const path of ['/metrics', `/probe?target=${fleet.nodes[0]!.name}`]) {
      const plain = await rawGet(path, 'identity');
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(Number(plain.headers['content-length']), path).toBe(plain.body.length);
      const zipped = await rawGet(path, 'gzip');
      expect(zipped.headers['content-encoding'], path).toBe('gzip');
      expect(zipped.headers.vary, path).toBe('Accept-Encoding');
      const text = gunzipSync(zipped.body).toString('utf8');
      expect(zipped.body.length, path).toBeLessThan(text.length / 4);
      expect(lines(text, 'sps_up').sort(), path).toEqual(lines(plain.body.toString('utf8'), 'sps_up').sort());
    }
    expect(promtoolCheckMetrics(gunzipSync((await rawGet('/metrics', 'gzip')).body).toString('utf8'))).toEqual([
      DAYS_NOTE,
    ]);
  });

  it("has each family's HELP and TYPE once, with all its samples together", async () => {
    const body = await (await get('/metrics')).text();
    const families: string[] = [];
    let current = '';
    for (const line of body.split('\n')) {
      if (line.startsWith('# TYPE ')) {
        current = line.split(' ')[2]!;
        families.push(current);
      } else if (line && !line.startsWith('#')) {
        const name = line.slice(0, line.search(/[{ ]/));
        expect([current, `${current}_sum`, `${current}_count`, `${current}_bucket`]).toContain(name);
      }
    }
    expect(new Set(families).size).toBe(families.length);
    expect(body).not.toMatch(/ \d+ \d{13}$/m); // no explicit timestamps
  });

  it("every label a collector puts on a node's series is reserved: a configured label can never shadow one", async () => {
    const body = await (await get('/metrics')).text();
    const names = new Set<string>();
    for (const line of body.split('\n')) {
      if (!line.includes('node="')) continue;
      for (const [, name] of line.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)) names.add(name!);
    }
    names.delete('site'); // configured here
    expect(names.size).toBeGreaterThan(15);
    for (const name of names) expect(RESERVED_LABELS.has(name), name).toBe(true);
  });

  it('shows each scenario as it should', async () => {
    const body = await (await get('/metrics')).text();
    const name = (scenario: string) => fleet.nodes.find((n) => n.scenario === scenario)!.name;
    expect(body).toContain(`sps_raid_status_code{node="${name('raid_degraded')}",site="lab"} 2`);
    expect(body).toContain(
      `sps_raid_disk_status{node="${name('raid_degraded')}",site="lab",disk="252:1",status="FAULTY"} 1`,
    );
    expect(body).toContain(
      `sps_indexer_service_active{node="${name('indexer_down')}",site="lab",indexer_service="indexer-service.service"} 0`,
    );
    expect(body).toContain(
      `sps_exporter_poll_errors_total{node="${name('wrong_password')}",site="lab",api_endpoint="health_status",reason="auth"} 1`,
    );
    expect(body).toContain(
      `sps_exporter_poll_errors_total{node="${name('malformed_json')}",site="lab",api_endpoint="health_status",reason="parse"} 1`,
    );
    expect(body).toContain(`sps_active_sessions_reported{node="${name('legacy_firmware')}",site="lab"}`);
    expect(body).toContain(
      `sps_indexer_service_active{node="${name('legacy_firmware')}",site="lab",indexer_service="postgresql.service"} 1`,
    );
    expect(body).toContain(`sps_firmware_reboot_pending{node="${name('firmware_staged')}",site="lab"} 1`);
    expect(body).toContain(
      `sps_firmware_info{node="${name('firmware_staged')}",site="lab",current_version="7.5.1",after_reboot_version="7.6.0"} 1`,
    );
    expect(body).toContain(`sps_firmware_reboot_pending{node="${name('healthy')}",site="lab"} 0`);
    expect(
      lines(body, 'sps_firmware_reboot_pending').filter((l) => l.includes(`"${name('legacy_firmware')}"`)),
    ).toEqual([]); // 404 on older firmware: no series
    const days = lines(body, 'sps_certificate_expiry_days').find(
      (l) => l.includes(name('cert_expiring')) && l.includes('service.pem'),
    )!;
    expect(Number(days.split(' ')[1])).toBeCloseTo(3, 1);
  });
});

describe('/probe', () => {
  it('serves one node', async () => {
    const target = fleet.nodes[0]!.name;
    const res = await get(`/probe?target=${target}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(lines(body, 'sps_up')).toEqual([`sps_up{node="${target}",site="lab"} 1`]);
    expect(body).not.toContain(`node="${fleet.nodes[1]!.name}"`);
    expect(promtoolCheckMetrics(body)).toEqual([DAYS_NOTE]);
  });

  it('answers 404 for a name not in the config, 400 for none or a huge one, and calls out to nobody', async () => {
    const requests = fleet.nodes.reduce((sum, n) => sum + n.requests, 0);
    const logins = fleet.nodes.reduce((sum, n) => sum + n.logins, 0);
    for (const [query, status] of [
      ['?target=nope', 404],
      ['?target=https://evil.example.com', 404],
      ['?target=%3Cscript%3Ealert(1)%3C/script%3E', 404],
      ['', 400],
      ['?target=', 400],
      [`?target=${'a'.repeat(5000)}`, 400],
      ['?target=a&target=b', 400],
    ] as const) {
      const res = await get(`/probe${query}`);
      expect(res.status, query).toBe(status);
      expect(await res.text()).not.toContain('<script>');
    }
    expect(scheduler.nodes).toHaveLength(fleet.nodes.length);
    expect(fleet.nodes.reduce((sum, n) => sum + n.requests, 0)).toBe(requests);
    expect(fleet.nodes.reduce((sum, n) => sum + n.logins, 0)).toBe(logins);
  });
});

describe('other routes', () => {
  it('health and readiness', async () => {
    expect((await get('/-/healthy')).status).toBe(200);
    expect((await get('/-/ready')).status).toBe(200);
  });

  it('reload only by POST, and reports a rejected config', async () => {
    expect((await get('/-/reload')).status).toBe(405);
    expect(reloads).toHaveLength(0);
    const ok = await get('/-/reload', { method: 'POST' });
    expect(ok.status).toBe(200);
    const rejected = await get('/-/reload', { method: 'POST' });
    expect(rejected.status).toBe(500);
    expect(await rejected.text()).toContain('targets[0].url: must be an https URL');
  });

  it('landing page lists every node with its state', async () => {
    const res = await get('/');
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('Version 1.2.3');
    for (const n of fleet.nodes) expect(html).toContain(`>${n.name}</a>`);
    expect(html).toContain('login rejected (HTTP 401)');
  });

  it('405 with Allow for another method on a known route', async () => {
    for (const [path, method, allow] of [
      ['/metrics', 'POST', 'GET, HEAD'],
      ['/probe', 'DELETE', 'GET, HEAD'],
      ['/-/healthy', 'PUT', 'GET, HEAD'],
      ['/-/reload', 'GET', 'POST'],
      ['/sd', 'PATCH', 'GET, HEAD'],
    ] as const) {
      const res = await get(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
    }
  });

  it("/sd gives the configured external address, never the request's Host header", async () => {
    const res = await rawGet('/sd', 'identity', { host: 'attacker.example:1' });
    const targets = JSON.parse(res.body.toString('utf8')) as { targets: string[]; labels: Record<string, string> }[];
    expect(targets).toHaveLength(fleet.nodes.length);
    for (const {
      targets: [address],
      labels,
    } of targets) {
      expect(address).toBe('exporter.example:9684');
      expect(labels.__metrics_path__).toBe('/probe');
      expect(labels.__scheme__).toBe('http');
      expect(labels.exporter).toBe('exporter.example:9684'); // SPSExporterDown fires once per exporter
    }
  });

  it('404 elsewhere', async () => {
    expect((await get('/nothing')).status).toBe(404);
  });
});

describe('--web.telemetry-path', () => {
  it("serves the fleet's metrics at the path given, links it from the landing page, and answers 404 at /metrics then", async () => {
    const moved = await serve(
      createApp({
        scheduler,
        selfRegistry: createSelfRegistry('t').registry,
        version: 't',
        maxRequests: 4,
        externalUrl: () => new URL('http://x:1/'),
        reload: () => Promise.resolve(undefined),
        telemetryPath: '/sps/metrics',
      }),
    );
    try {
      const res = await fetch(`${moved.url}/sps/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('sps_up{');
      expect((await fetch(`${moved.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${moved.url}/sps/metrics`, { method: 'POST' })).headers.get('allow')).toBe('GET, HEAD');
      expect(await (await fetch(`${moved.url}/`)).text()).toContain(
        '<a href="sps/metrics">Metrics</a> (all nodes, <code>/sps/metrics</code>)',
      );
    } finally {
      await moved.close();
    }
  });
});
