import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import { buildConnector, Client } from 'undici';
import type { TargetConfig } from '../config/types.js';
import { connectThroughProxy } from './proxy-tunnel.js';
import type { SecureContexts } from './secure-contexts.js';
import { readServerCertificate, type ServerCertificate } from './server-certificate.js';

/**
 * How long an idle connection is kept: long enough to outlast a skipped poll. When a poll overruns
 * its interval (a login burst queued behind the concurrency limit at start-up), the node's next
 * request comes two intervals after its last; with only one interval of slack, most nodes of a
 * large fleet would pay a second TLS handshake in the exporter's busiest minutes. A server that
 * closes sooner says so in its Keep-Alive header, and undici honours that.
 */
export function idleTimeoutMs(intervalMs: number): number {
  return 2 * intervalMs + 15_000;
}

/**
 * The HTTP client of one node: one keep-alive connection (no pipelining), over TLS, through the
 * target's proxy when it has one, with the target's timeouts and response size cap. Each new
 * connection's peer certificate is read as it is made (also with insecure_skip_verify, when an
 * expired one most needs reporting), so the exporter reports it with no extra request.
 */
export function connectionTo(
  target: Pick<TargetConfig, 'origin' | 'tls' | 'timeoutMs' | 'maxResponseBytes' | 'intervalMs' | 'proxy'>,
  {
    secureContexts,
    onCertificate,
  }: { secureContexts: SecureContexts; onCertificate: (certificate: ServerCertificate | undefined) => void },
): Client {
  const keepAlive = idleTimeoutMs(target.intervalMs);
  const tls = {
    // Built once: passing `ca` instead would parse the PEM again on every reconnect.
    secureContext: secureContexts.for(target.tls.ca),
    rejectUnauthorized: !target.tls.insecureSkipVerify,
    servername: target.tls.serverName,
  };
  const { proxy } = target;
  const connector: buildConnector.connector = proxy
    ? (options, callback) => {
        const servername = tls.servername ?? (isIP(options.hostname) ? undefined : options.hostname);
        connectThroughProxy(
          {
            proxy,
            hostname: options.hostname,
            port: Number(options.port || 443),
            tls: { ...tls, servername },
            timeoutMs: target.timeoutMs,
          },
          callback,
        );
      }
    : buildConnector({ ...tls, timeout: target.timeoutMs });
  return new Client(target.origin, {
    connect: (options, callback) =>
      connector(options, (...result) => {
        const [, socket] = result;
        if (socket instanceof TLSSocket) onCertificate(readServerCertificate(socket.getPeerCertificate(true)));
        callback(...result);
      }),
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
    keepAliveTimeout: keepAlive,
    keepAliveMaxTimeout: keepAlive,
    pipelining: 1,
    maxResponseSize: target.maxResponseBytes, // enforced by undici while the body streams in
  });
}
