import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';
import type { ProxySettings } from '../config/proxy.js';

/** A failure at the proxy, before any byte reached the node: its own reason (`proxy`), not `connect`. */
export class ProxyError extends Error {
  readonly code = 'ERR_SPS_PROXY';
  constructor(message: string) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** The most a proxy's answer to CONNECT may hold before its blank line. */
const MAX_PROXY_HEAD_BYTES = 16 * 1024;

export interface TunnelOptions {
  proxy: ProxySettings;
  /** The node, as the URL names it. */
  hostname: string;
  port: number;
  tls: { secureContext: SecureContext; rejectUnauthorized: boolean; servername: string | undefined };
  timeoutMs: number;
}

/**
 * Opens a TLS connection to the node through an HTTP proxy: CONNECT host:port (with the
 * configured headers), then the TLS handshake with the node inside the tunnel, verified as a
 * direct one would be. Calls back once, with the TLS socket or the error: a ProxyError when the
 * proxy cannot be reached, refuses the CONNECT or does not answer in time.
 */
export function connectThroughProxy(
  options: TunnelOptions,
  callback: (...result: [null, TLSSocket] | [Error, null]) => void,
): void {
  const { proxy, hostname, port, tls, timeoutMs } = options;
  const proxyUrl = new URL(proxy.url);
  const target = `${isIP(hostname) === 6 ? `[${hostname}]` : hostname}:${port}`;
  let done = false;
  let tunnel: Socket | undefined;
  const finish = (...result: [null, TLSSocket] | [Error, null]) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (result[0]) tunnel?.destroy();
    callback(...result);
  };
  const timer = setTimeout(
    () => finish(new ProxyError(`no connection through the proxy within ${timeoutMs} ms`), null),
    timeoutMs,
  );
  tunnel = netConnect({ host: proxyUrl.hostname, port: Number(proxyUrl.port || 80) });
  tunnel.once('error', (error: NodeJS.ErrnoException) =>
    finish(new ProxyError(`cannot reach the proxy ${proxyUrl.host} (${error.code ?? 'error'})`), null),
  );
  tunnel.once('connect', () => {
    let head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
    for (const [name, value] of Object.entries(proxy.connectHeaders)) head += `${name}: ${value.reveal()}\r\n`;
    tunnel.write(`${head}\r\n`);
  });
  let answer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    answer = Buffer.concat([answer, chunk]);
    const end = answer.indexOf('\r\n\r\n');
    if (end < 0) {
      if (answer.length > MAX_PROXY_HEAD_BYTES)
        finish(new ProxyError("the proxy's answer to CONNECT has no end"), null);
      return;
    }
    tunnel.off('data', onData);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer.toString('latin1', 0, Math.min(end, 64)))?.[1] ?? 0);
    if (status < 200 || status > 299)
      return finish(
        new ProxyError(`the proxy ${proxyUrl.host} refused CONNECT ${target} (HTTP ${status || 'garbled'})`),
        null,
      );
    if (end + 4 < answer.length) tunnel.unshift(answer.subarray(end + 4));
    const socket = tlsConnect({ socket: tunnel, ...tls });
    socket.once('secureConnect', () => finish(null, socket));
    socket.once('error', (error: Error) => finish(error, null));
  };
  tunnel.on('data', onData);
}
