import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { createLogger } from '../../src/log.js';
import { Scheduler } from '../../src/poller/scheduler.js';
import { Fleet } from '../../tools/simulator/fleet.js';
import { lines } from '../helpers/targets.js';

/** A CONNECT proxy on loopback: counts the tunnels it opens and the Proxy-Authorization it got; refuses without the expected one. */
function connectProxy(expectedAuth: string) {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    if (req.headers['proxy-authorization'] !== expectedAuth) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return {
    server,
    tunnels,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const AUTH = `Basic ${Buffer.from('monitor:proxy-s3cret').toString('base64')}`;
let fleet: Fleet;
let proxy: ReturnType<typeof connectProxy>;
beforeAll(async () => {
  fleet = await Fleet.start({ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  proxy = connectProxy(AUTH);
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await proxy.close();
  await fleet.close();
});

describe('nodes behind an HTTP proxy', () => {
  it("tunnels each node's HTTPS through CONNECT: one tunnel and one login per node over many polls, the header a secret never logged", async () => {
    const logged: string[] = [];
    const log = createLogger('debug', { write: (line: string) => void logged.push(line) });
    const doc = {
      defaults: {
        interval: '30s',
        timeout: '5s',
        username: fleet.username,
        password: fleet.password,
        proxy_url: proxy.url(),
        proxy_connect_header: { 'Proxy-Authorization': '${PROXY_AUTH}' },
      },
      targets: fleet.nodes.map((n) => ({ name: n.name, url: n.url })),
    };
    const parsed = parseConfig(JSON.stringify(doc), 't', { env: { PROXY_AUTH: AUTH } });
    for (const target of parsed.targets) target.tls.ca = fleet.caPem;
    const scheduler = new Scheduler({ log, exposition: new Exposition() });
    scheduler.apply(parsed);
    try {
      for (let round = 0; round < 3; round++) await Promise.all(scheduler.nodes.map((node) => node.poll()));
      const text = scheduler.fleetReader().toBuffer().toString('utf8');
      expect(lines(text, 'sps_up').every((line) => line.endsWith(' 1'))).toBe(true);
      expect(proxy.tunnels.sort()).toEqual(fleet.nodes.map((n) => new URL(n.url).host).sort());
      expect(fleet.nodes.map((n) => n.logins)).toEqual([1, 1, 1]);
      expect(lines(text, 'sps_server_certificate_expiry_timestamp_seconds')).toHaveLength(3); // the node's certificate, through the tunnel
      expect(logged.join('\n')).not.toContain('proxy-s3cret');
      expect(logged.join('\n')).not.toContain(AUTH.slice(6));
    } finally {
      await scheduler.stop();
    }
  });

  it('credentials in HTTPS_PROXY reach the proxy as Proxy-Authorization (never dropped); NO_PROXY with an IPv4 port entry sends one node direct', async () => {
    const direct = new URL(fleet.nodes[2]!.url);
    const env = {
      HTTPS_PROXY: `http://monitor:proxy-s3cret@${new URL(proxy.url()).host}`,
      NO_PROXY: `${direct.hostname}:${direct.port}`,
    };
    const doc = {
      defaults: {
        interval: '30s',
        timeout: '5s',
        username: fleet.username,
        password: fleet.password,
        proxy_from_environment: true,
      },
      targets: fleet.nodes.map((n) => ({ name: n.name, url: n.url })),
    };
    const parsed = parseConfig(JSON.stringify(doc), 't', { env });
    for (const target of parsed.targets) target.tls.ca = fleet.caPem;
    const scheduler = new Scheduler({ log: createLogger('error', { write() {} }), exposition: new Exposition() });
    scheduler.apply(parsed);
    const tunnelsBefore = proxy.tunnels.length;
    try {
      await Promise.all(scheduler.nodes.map((node) => node.poll()));
      expect(scheduler.nodes.map((node) => node.healthOk)).toEqual([true, true, true]);
      expect(proxy.tunnels.slice(tunnelsBefore).sort()).toEqual(
        fleet.nodes
          .slice(0, 2)
          .map((n) => new URL(n.url).host)
          .sort(),
      );
    } finally {
      await scheduler.stop();
    }
  });

  it('a proxy that refuses the CONNECT, or cannot be reached, is reason proxy, not connect', async () => {
    const refusing = parseConfig(
      JSON.stringify({
        defaults: { username: 'u', password: 'p', proxy_url: proxy.url() },
        targets: [{ name: 'a', url: fleet.nodes[0]!.url }],
      }),
      't',
      {},
    );
    const closed = parseConfig(
      JSON.stringify({
        defaults: { username: 'u', password: 'p', proxy_url: 'http://127.0.0.1:1' },
        targets: [{ name: 'a', url: fleet.nodes[0]!.url }],
      }),
      't',
      {},
    );
    for (const [config, message] of [
      [refusing, /refused CONNECT .*HTTP 407/],
      [closed, /cannot reach the proxy 127.0.0.1:1 \(ECONNREFUSED\)/],
    ] as const) {
      config.targets[0]!.tls.ca = fleet.caPem;
      const scheduler = new Scheduler({ log: createLogger('error', { write() {} }), exposition: new Exposition() });
      scheduler.apply(config);
      try {
        const node = scheduler.nodes[0]!;
        await node.poll();
        expect(node.lastError).toMatchObject({ reason: 'proxy' });
        expect(node.lastError?.message).toMatch(message);
        expect(node.client.logins).toBe(0); // nothing reached the node
      } finally {
        await scheduler.stop();
      }
    }
  });

  it('no_proxy and proxy_from_environment as Prometheus reads them; --check-config names the mistakes', () => {
    const doc = (defaults: object) =>
      JSON.stringify({
        defaults: { username: 'u', password: 'p', ...defaults },
        targets: [
          { name: 'near', url: 'https://10.20.0.15:8443' },
          { name: 'far', url: 'https://sps.remote.example' },
        ],
      });
    const fromEnv = parseConfig(doc({ proxy_from_environment: true }), 't', {
      env: { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: '10.0.0.0/8' },
    });
    expect(fromEnv.targets.map((t) => t.proxy?.url)).toEqual([undefined, 'http://proxy.example:3128']);
    const problems = (defaults: object) => {
      try {
        parseConfig(doc(defaults), 't', { env: {} });
        return [];
      } catch (error) {
        return (error as { problems: string[] }).problems;
      }
    };
    expect(problems({ proxy_url: 'https://proxy.example:3128' })[0]).toMatch(
      /defaults.proxy_url: must be an http:\/\/ proxy URL/,
    );
    expect(problems({ proxy_url: 'http://user:pw@proxy.example:3128' })[0]).toMatch(/must not contain credentials/);
    expect(problems({ no_proxy: 'example.com' })).toEqual([
      'defaults: no_proxy and proxy_connect_header need proxy_url or proxy_from_environment',
    ]);
    expect(
      problems({ proxy_url: 'http://proxy.example:3128', proxy_connect_header: { 'Proxy-Authorization': '${UNSET}' } }),
    ).toEqual(['defaults.proxy_connect_header.Proxy-Authorization: environment variable UNSET is not set']);
  });
});
