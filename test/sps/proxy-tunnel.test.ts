import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { connectThroughProxy, ProxyError, type TunnelOptions } from '../../src/sps/proxy-tunnel.js';
import { sendJson, startHttps, testTls, type LocalServer } from '../helpers/https-server.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A raw TCP proxy: `answer` gets each client socket with the CONNECT head it sent. */
async function rawProxy(answer: (client: Socket, head: string) => void): Promise<{ url: string; heads: string[] }> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      client.off('data', onData);
      heads.push(head);
      answer(client, head);
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, heads };
}

/** A proxy that accepts each CONNECT and forwards the tunnel to `port` on loopback. */
const forwardingProxy = (port: number) =>
  rawProxy((client) => {
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\nVia: test\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });

async function node(): Promise<LocalServer> {
  const server = await startHttps((_req, res) => sendJson(res, 200, { ok: true }));
  closers.push(() => server.close());
  return server;
}

const options = (proxyUrl: string, fields: Partial<TunnelOptions> = {}): TunnelOptions => ({
  proxy: { url: proxyUrl, connectHeaders: {} },
  hostname: 'localhost',
  port: 443,
  tls: {
    secureContext: createSecureContext({ ca: testTls().ca.certPem }),
    rejectUnauthorized: true,
    servername: 'localhost',
  },
  timeoutMs: 2_000,
  ...fields,
});

function tunnel(opts: TunnelOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) =>
    connectThroughProxy(opts, (error, socket) => (error ? reject(error) : resolve(socket))),
  );
}

describe('connectThroughProxy', () => {
  it('sends CONNECT with the configured headers, then verifies the node inside the tunnel as a direct connection would', async () => {
    const target = await node();
    const port = Number(new URL(target.url).port);
    const proxy = await forwardingProxy(port);
    const socket = await tunnel(
      options(proxy.url, {
        port,
        proxy: { url: proxy.url, connectHeaders: { 'Proxy-Authorization': new Secret('Basic abc') } },
      }),
    );
    expect(socket.authorized).toBe(true);
    socket.write('GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    let answer = '';
    for await (const chunk of socket) answer += (chunk as Buffer).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(target.requests.map((r) => r.path)).toEqual(['/x']);
    expect(proxy.heads).toEqual([
      `CONNECT localhost:${port} HTTP/1.1\r\nHost: localhost:${port}\r\nProxy-Authorization: Basic abc\r\n\r\n`,
    ]);
  });

  it('brackets an IPv6 node in the CONNECT line, and names the status of a refused CONNECT', async () => {
    const proxy = await rawProxy((client) => client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'));
    const refused = tunnel(options(proxy.url, { hostname: '::1', port: 8443 }));
    await expect(refused).rejects.toThrow(
      new ProxyError(`the proxy 127.0.0.1:${new URL(proxy.url).port} refused CONNECT [::1]:8443 (HTTP 407)`),
    );
    expect(proxy.heads[0]).toMatch(/^CONNECT \[::1\]:8443 HTTP\/1\.1\r\nHost: \[::1\]:8443\r\n/);
  });

  it('refuses a garbled answer, and one whose head never ends, as proxy failures', async () => {
    const garbled = await rawProxy((client) => client.write('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    await expect(tunnel(options(garbled.url))).rejects.toThrow(/refused CONNECT localhost:443 \(HTTP garbled\)/);
    const endless = await rawProxy((client) => client.write(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}`));
    const error = await tunnel(options(endless.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).message).toBe("the proxy's answer to CONNECT has no end");
  });

  it('gives up on a proxy that never answers, and names one that cannot be reached', async () => {
    const silent = await rawProxy(() => {});
    await expect(tunnel(options(silent.url, { timeoutMs: 300 }))).rejects.toThrow(
      new ProxyError('no connection through the proxy within 300 ms'),
    );
    const gone = await rawProxy(() => {});
    await closers.pop()!();
    await expect(tunnel(options(gone.url))).rejects.toThrow(
      /^cannot reach the proxy 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/,
    );
  });

  it('hands on a TLS failure inside the tunnel as it is, not as a proxy failure', async () => {
    const target = await node();
    const port = Number(new URL(target.url).port);
    const proxy = await forwardingProxy(port);
    const error = await tunnel(
      options(proxy.url, {
        port,
        tls: { secureContext: createSecureContext(), rejectUnauthorized: true, servername: 'localhost' },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ProxyError);
    expect((error as NodeJS.ErrnoException).code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });
});
