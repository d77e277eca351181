import { createSecureContext, type SecureContext } from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { Client as UndiciClient, Dispatcher } from 'undici';
import type { TargetConfig } from '../config/load.js';
import { classifyTransportError, SpsError } from './errors.js';
import { loginBackoffMs } from './backoff.js';

export interface SpsClientOptions {
  target: Pick<TargetConfig, 'origin' | 'username' | 'password' | 'tls' | 'timeoutMs' | 'maxResponseBytes' | 'intervalMs'>;
  now?: () => number;
}

/**
 * undici's Client alone, not the package's index: the index also loads fetch, WebSocket,
 * EventSource, the cache and mock agents, 3.3 MB of heap the exporter never uses. undici 7 has no
 * `exports` map, so the path is reachable; the client tests fail if a release moves it.
 */
const Client = createRequire(import.meta.url)('undici/lib/dispatcher/client.js') as typeof UndiciClient;

const secureContexts = new Map<string, SecureContext>();

/** One TLS context per distinct CA: it is ~17 KB of native memory, and targets mostly share a CA. */
function secureContextFor(ca: string | undefined): SecureContext {
  let context = secureContexts.get(ca ?? '');
  if (!context) secureContexts.set(ca ?? '', (context = createSecureContext(ca ? { ca } : {})));
  return context;
}

/**
 * How long an idle connection is kept: long enough to outlast a skipped poll. When a poll overruns
 * its interval (a login burst queued behind the concurrency gate at start-up), the node's next
 * request comes two intervals after its last. With one interval and some slack, 5.9k of 10000
 * nodes made a second TLS handshake in the first 100 s, the exporter's busiest time (bench).
 * A server that closes sooner says so in its Keep-Alive header, and undici honours that.
 */
export function idleTimeoutMs(intervalMs: number): number {
  return 2 * intervalMs + 15_000;
}

/**
 * Whether a client made for `a` serves `b` as it is: the same node, credentials, TLS, limits and
 * interval (its keep-alive follows the interval). A reload that changes only a target's labels or
 * discovery then hands the client over, and the node is not logged in to again.
 */
export function clientServes(a: SpsClientOptions['target'], b: SpsClientOptions['target']): boolean {
  return (
    a.origin === b.origin &&
    a.username === b.username &&
    a.password.reveal() === b.password.reveal() &&
    a.tls.ca === b.tls.ca &&
    a.tls.insecureSkipVerify === b.tls.insecureSkipVerify &&
    a.tls.serverName === b.tls.serverName &&
    a.timeoutMs === b.timeoutMs &&
    a.maxResponseBytes === b.maxResponseBytes &&
    a.intervalMs === b.intervalMs
  );
}

const SESSION_COOKIE = /(?:^|[;,]\s*)session_id=([^;,\s]+)/;

function sessionIdFrom(setCookie: string | string[] | undefined): string | undefined {
  for (const header of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const match = SESSION_COOKIE.exec(header);
    if (match) return match[1];
  }
  return undefined;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * REST client for one SPS node: one keep-alive connection, one session cookie reused for every
 * request until SPS drops it, and a login backoff so a wrong password never locks the account.
 */
export class SpsClient {
  readonly #target: SpsClientOptions['target'];
  readonly #now: () => number;
  readonly #http: UndiciClient;
  #sessionId: string | undefined;
  #login: Promise<void> | undefined;
  #failedLogins = 0;
  #nextLoginAt = 0;
  /** Counters the poller exports; they only grow. */
  logins = 0;
  loginFailures = 0;
  /** Connections opened, handshake done; more than one says the node or the network closes idle ones. */
  connections = 0;

  constructor({ target, now = Date.now }: SpsClientOptions) {
    this.#target = target;
    this.#now = now;
    const keepAlive = idleTimeoutMs(target.intervalMs);
    this.#http = new Client(target.origin, {
      connect: {
        // Built once: passing `ca` instead would parse the PEM again on every reconnect.
        secureContext: secureContextFor(target.tls.ca),
        rejectUnauthorized: !target.tls.insecureSkipVerify,
        servername: target.tls.serverName,
        timeout: target.timeoutMs,
      },
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: keepAlive,
      pipelining: 1,
      maxResponseSize: target.maxResponseBytes, // enforced by undici while the body streams in
    });
    this.#http.on('connect', () => this.connections++);
  }

  get hasSession(): boolean {
    return this.#sessionId !== undefined;
  }

  /** Milliseconds until a login may be tried again (0 when it may be tried now). */
  get loginBlockedForMs(): number {
    return Math.max(0, this.#nextLoginAt - this.#now());
  }

  /** GETs a JSON document, logging in first if needed and once more if SPS dropped the session. */
  async getJson(path: string): Promise<unknown> {
    const fresh = await this.#ensureSession();
    let response = await this.#request(path, this.#sessionId);
    if (response.status === 401) {
      this.#sessionId = undefined;
      if (fresh) throw this.#refused('SPS refused the session it just issued');
      await this.#ensureSession();
      response = await this.#request(path, this.#sessionId);
      if (response.status === 401) {
        this.#sessionId = undefined;
        throw this.#refused('SPS refused a fresh session');
      }
    }
    // Only a session SPS accepts proves the login works; resetting on the login itself would let a
    // node that refuses every session it issues pull a login out of every poll.
    this.#failedLogins = 0;
    this.#nextLoginAt = 0;
    if (response.status === 403) throw new SpsError('auth', `HTTP 403 on ${path}: the user lacks a privilege (REST server access is needed)`, 403);
    if (response.status < 200 || response.status > 299) throw new SpsError('http', `HTTP ${response.status} on ${path}`, response.status);
    return parseJson(response.body, path);
  }

  async close(): Promise<void> {
    await this.#http.destroy().catch(() => {});
  }

  /** A session SPS refuses right after issuing it counts as a failed login, so it backs off too. */
  #refused(message: string): SpsError {
    this.#loginFailed();
    return new SpsError('auth', message, 401);
  }

  #loginFailed(): void {
    this.loginFailures++;
    this.#failedLogins++;
    this.#nextLoginAt = this.#now() + loginBackoffMs(this.#failedLogins);
  }

  /** Returns true when this call had to log in. */
  async #ensureSession(): Promise<boolean> {
    if (this.#sessionId !== undefined) return false;
    this.#login ??= this.#doLogin().finally(() => {
      this.#login = undefined;
    });
    await this.#login;
    return true;
  }

  async #doLogin(): Promise<void> {
    const wait = this.loginBlockedForMs;
    if (wait > 0) throw new SpsError('auth', `login backing off after ${this.#failedLogins} failed attempt(s); next try in ${Math.ceil(wait / 1000)}s`);
    this.logins++;
    const basic = Buffer.from(`${this.#target.username}:${this.#target.password.reveal()}`).toString('base64');
    let response: RawResponse;
    try {
      response = await this.#send('/api/authentication', { authorization: `Basic ${basic}` });
    } catch (error) {
      throw classifyTransportError(error, '/api/authentication', this.#target.maxResponseBytes); // not a credential problem: no backoff
    }
    if (response.status === 401 || response.status === 403) {
      this.#loginFailed();
      throw new SpsError('auth', `login rejected (HTTP ${response.status}): check username, password and the user's REST server privilege`, response.status);
    }
    if (response.status < 200 || response.status > 299) throw new SpsError('http', `HTTP ${response.status} on /api/authentication`, response.status);
    const sessionId = sessionIdFrom(response.headers['set-cookie']);
    if (!sessionId) throw new SpsError('auth', 'login answered without a session_id cookie');
    this.#sessionId = sessionId;
  }

  async #request(path: string, sessionId: string | undefined): Promise<RawResponse> {
    try {
      return await this.#send(path, sessionId ? { cookie: `session_id=${sessionId}` } : {});
    } catch (error) {
      throw classifyTransportError(error, path, this.#target.maxResponseBytes);
    }
  }

  /**
   * One GET through undici's dispatch API: the body is gathered from its chunks directly, without
   * the stream and AbortSignal a `request()` builds, which cost more than the rest of a poll's JS.
   * One timer bounds the whole exchange (undici's own timeouts bound each wait, not the total).
   */
  #send(path: string, headers: Record<string, string>): Promise<RawResponse> {
    const timeoutMs = this.#target.timeoutMs;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      let responseHeaders: IncomingHttpHeaders = {};
      let controller: Dispatcher.DispatchController | undefined;
      let expired = false;
      const expire = () => new SpsError('timeout', `timed out after ${timeoutMs} ms on ${path}`);
      const timer = setTimeout(() => {
        expired = true;
        controller?.abort(expire());
      }, timeoutMs);
      const settle = (error: Error | undefined) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve({ status, headers: responseHeaders, body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
      };
      this.#http.dispatch(
        { method: 'GET', path, headers: { accept: 'application/json', ...headers } },
        {
          onRequestStart(c) {
            controller = c;
            if (expired) c.abort(expire());
          },
          onResponseStart(_c, statusCode, h) {
            status = statusCode;
            responseHeaders = h;
          },
          onResponseData(_c, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd: () => settle(undefined),
          onResponseError: (_c, error) => settle(error),
        },
      );
    });
  }
}

function parseJson(body: string, path: string): unknown {
  if (body.length === 0) throw new SpsError('parse', `empty response to ${path}`);
  try {
    return JSON.parse(body);
  } catch {
    throw new SpsError('parse', `response to ${path} is not JSON`);
  }
}
