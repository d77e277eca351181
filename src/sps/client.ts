import type { IncomingHttpHeaders } from 'node:http';
import type { Client, Dispatcher } from 'undici';
import { connectionTo } from './connection.js';
import type { ServerCertificate } from './server-certificate.js';
import type { TargetConfig } from '../config/types.js';
import { classifyTransportError, LoginError, SpsError, type FailureReason } from './errors.js';
import { loginBackoffMs, retryAfterMs } from './backoff.js';
import { cookieFrom, SESSION_COOKIE } from './cookies.js';
import { readLoginAnswer, type RawResponse } from './login-answer.js';
import { SecureContexts } from './secure-contexts.js';

export interface SpsClientOptions {
  target: Pick<
    TargetConfig,
    'origin' | 'username' | 'password' | 'tls' | 'timeoutMs' | 'maxResponseBytes' | 'intervalMs' | 'session' | 'proxy'
  >;
  now?: () => number;
  /** Shared by the clients of one scheduler (a new one for this client alone otherwise). */
  secureContexts?: SecureContexts;
}

/** A session SPS issued: when, and how many requests it has accepted on it since. */
interface Session {
  id: string;
  issuedAt: number;
  served: number;
}

function sameProxy(a: TargetConfig['proxy'], b: TargetConfig['proxy']): boolean {
  if (!a || !b) return a === b;
  const headers = (p: NonNullable<TargetConfig['proxy']>) =>
    Object.entries(p.connectHeaders)
      .map(([name, value]) => `${name}:${value.reveal()}`)
      .join('\0');
  return a.url === b.url && headers(a) === headers(b);
}

/**
 * REST client for one SPS node: one keep-alive connection, one session cookie reused for every
 * request until SPS drops it, and a login backoff so a wrong password never locks the account.
 *
 * Logins are bounded whatever the node does. A login attempt that reached the node (a connection
 * was open when it was sent) and did not yield a session is a failed login, whatever the answer:
 * a rejection, another status (5xx, 429, a redirect to a login page), no usable session cookie,
 * an answer that is not valid HTTP or has oversized headers, or none in time. So is a session SPS
 * refuses before it has proven itself, that is before it served `session.minRequests` requests or
 * lived `session.minAgeMs` (a node that honours each session for a request or two, or a load
 * balancer without sticky sessions). Each failed login lengthens the wait before the next one (see
 * loginBackoffMs; a Retry-After on the answer is a floor for it), and only a session that has
 * proven itself resets that wait. One login at a time: every request waiting for a session shares it.
 */
export class SpsClient {
  readonly #target: SpsClientOptions['target'];
  readonly #now: () => number;
  readonly #http: Client;
  #session: Session | undefined;
  #login: Promise<void> | undefined;
  #failedLogins = 0;
  #nextLoginAt = 0;
  /** Why the last login failed: a login not tried during the backoff fails for the same reason. */
  #lastLoginFailure: LoginError | undefined;
  /** Starts with `auth` at 0, so the series exists (and increase() sees a first failure) before anything failed. */
  readonly #loginFailures = new Map<FailureReason, number>([['auth', 0]]);
  #connected = false;
  #logins = 0;
  #connections = 0;
  #serverCertificate: ServerCertificate | undefined;

  constructor({ target, now = Date.now, secureContexts = new SecureContexts() }: SpsClientOptions) {
    this.#target = target;
    this.#now = now;
    this.#http = connectionTo(target, {
      secureContexts,
      onCertificate: (certificate) => (this.#serverCertificate = certificate ?? this.#serverCertificate),
    });
    this.#http.on('connect', () => {
      this.#connections++;
      this.#connected = true;
    });
    this.#http.on('disconnect', () => (this.#connected = false));
  }

  /**
   * Whether this client serves `target` as it is: the same node, credentials, TLS, limits, session
   * rules and interval (its keep-alive follows the interval). A reload that changes only a target's
   * labels or discovery then hands the client over, and the node is not logged in to again.
   */
  serves(target: SpsClientOptions['target']): boolean {
    const a = this.#target;
    return (
      a.origin === target.origin &&
      a.username === target.username &&
      a.password.equals(target.password) &&
      a.tls.ca === target.tls.ca &&
      a.tls.insecureSkipVerify === target.tls.insecureSkipVerify &&
      a.tls.serverName === target.tls.serverName &&
      a.timeoutMs === target.timeoutMs &&
      a.maxResponseBytes === target.maxResponseBytes &&
      a.intervalMs === target.intervalMs &&
      a.session.minRequests === target.session.minRequests &&
      a.session.minAgeMs === target.session.minAgeMs &&
      sameProxy(a.proxy, target.proxy)
    );
  }

  /** Logins sent to the node (each one an SPS audit event); a login that never reached it is not counted. Only grows. */
  get logins(): number {
    return this.#logins;
  }

  /** Connections opened, handshake done; more than one says the node or the network closes idle ones. Only grows. */
  get connections(): number {
    return this.#connections;
  }

  /** What the node presented on the last connection (read once per connection, not per request). */
  get serverCertificate(): ServerCertificate | undefined {
    return this.#serverCertificate;
  }

  /** Failed logins by reason (see the class comment); they only grow. */
  get loginFailures(): ReadonlyMap<FailureReason, number> {
    return this.#loginFailures;
  }

  get hasSession(): boolean {
    return this.#session !== undefined;
  }

  /** Milliseconds until a login may be tried again (0 when it may be tried now). */
  get loginBlockedForMs(): number {
    return Math.max(0, this.#nextLoginAt - this.#now());
  }

  /** GETs a JSON document, logging in first if needed and once more if SPS dropped a proven session. */
  async getJson(path: string): Promise<unknown> {
    await this.#ensureSession();
    let response = await this.#request(path);
    if (response.status === 401) {
      const failed = this.#sessionEnded();
      if (failed) throw failed;
      await this.#ensureSession();
      response = await this.#request(path);
      if (response.status === 401)
        throw this.#sessionEnded() ?? new LoginError('auth', 'SPS refused a fresh session', 401);
    }
    this.#accepted(response);
    if (response.status === 403)
      throw new SpsError('auth', `HTTP 403 on ${path}: the user lacks a privilege (REST server access is needed)`, 403);
    if (response.status < 200 || response.status > 299)
      throw new SpsError('http', `HTTP ${response.status} on ${path}`, response.status);
    return parseJson(response.body, path);
  }

  async close(): Promise<void> {
    await this.#http.destroy().catch(() => {});
  }

  /**
   * A request SPS answered on the current session: it counts toward the session proving itself,
   * which ends any backoff. An answer that deletes the session cookie ends the session.
   */
  #accepted(response: RawResponse): void {
    const session = this.#session;
    if (!session) return;
    session.served++;
    if (this.#proven(session)) {
      this.#failedLogins = 0;
      this.#nextLoginAt = 0;
    }
    if (response.sessionDeleted) this.#sessionEnded();
  }

  #proven(session: Session): boolean {
    return (
      session.served >= this.#target.session.minRequests ||
      this.#now() - session.issuedAt >= this.#target.session.minAgeMs
    );
  }

  /**
   * SPS refused the current session (or deleted its cookie): it is gone. One that had not proven
   * itself counts as a failed login, and the error saying so is returned.
   */
  #sessionEnded(): SpsError | undefined {
    const session = this.#session;
    this.#session = undefined;
    if (!session || this.#proven(session)) return undefined;
    const seconds = Math.round((this.#now() - session.issuedAt) / 1000);
    return this.#loginFailed(
      new LoginError(
        'auth',
        `SPS ended a session after ${session.served} request(s) and ${seconds}s, counted as a failed login (a load balancer without sticky sessions, or sessions expiring early?)`,
        401,
      ),
    );
  }

  /** Counts a failed login, schedules the next attempt (no sooner than `retryAfter`, when the node asked for a pause) and returns `failure`. */
  #loginFailed(failure: LoginError, retryAfter?: number): LoginError {
    this.#loginFailures.set(failure.reason, (this.#loginFailures.get(failure.reason) ?? 0) + 1);
    this.#failedLogins++;
    this.#lastLoginFailure = failure;
    this.#nextLoginAt = this.#now() + Math.max(loginBackoffMs(this.#failedLogins), retryAfter ?? 0);
    return failure;
  }

  async #ensureSession(): Promise<void> {
    if (this.#session !== undefined) return;
    this.#login ??= this.#doLogin().finally(() => {
      this.#login = undefined;
    });
    await this.#login;
  }

  async #doLogin(): Promise<void> {
    const wait = this.loginBlockedForMs;
    // No countdown in the message: it is stored as the node's last error and would go stale (the
    // status page shows the wait as of when it is served, from loginBlockedForMs). The reason is the
    // last failure's, so a node that keeps failing one way keeps one reason while it backs off.
    if (wait > 0) {
      const last = this.#lastLoginFailure;
      throw new LoginError(
        last?.reason ?? 'auth',
        `login backing off after ${this.#failedLogins} failed attempt(s); the last: ${last?.message ?? 'unknown'}`,
        last?.status,
      );
    }
    const basic = Buffer.from(`${this.#target.username}:${this.#target.password.reveal()}`).toString('base64');
    const connectionsBefore = this.#connections;
    const connectedBefore = this.#connected;
    let response: RawResponse;
    try {
      response = await this.#send('/api/authentication', { authorization: `Basic ${basic}` });
    } catch (error) {
      const failure = this.#classify(error, '/api/authentication');
      // No connection could be made (refused, no such host, TLS, proxy): nothing reached SPS, no backoff.
      if (!connectedBefore && this.#connections === connectionsBefore) throw failure;
      this.#logins++;
      throw this.#loginFailed(new LoginError(failure.reason, `login failed: ${failure.message}`));
    }
    this.#logins++;
    const answer = readLoginAnswer(response, this.#now());
    if ('failure' in answer)
      throw this.#loginFailed(answer.failure, retryAfterMs(response.headers['retry-after'], this.#now()));
    this.#session = { id: answer.sessionId, issuedAt: this.#now(), served: 0 };
  }

  #classify(error: unknown, path: string): SpsError {
    return classifyTransportError(error, {
      origin: this.#target.origin,
      path,
      maxResponseBytes: this.#target.maxResponseBytes,
    });
  }

  /** A GET on the current session. A Set-Cookie on the answer updates or ends the session, as in a browser. */
  async #request(path: string): Promise<RawResponse> {
    const session = this.#session;
    let response: RawResponse;
    try {
      response = await this.#send(path, session ? { cookie: `${SESSION_COOKIE}=${session.id}` } : {});
    } catch (error) {
      throw this.#classify(error, path);
    }
    const id = cookieFrom(response.headers['set-cookie'], SESSION_COOKIE, this.#now());
    if (session && session === this.#session && id !== undefined) {
      if (id === null) response.sessionDeleted = true;
      else session.id = id;
    }
    return response;
  }

  /**
   * One GET through undici's dispatch API: the body is gathered from its chunks directly, without
   * the stream and AbortSignal a `request()` builds, which a poll does not need (docs/performance.md says what they cost).
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
      const expire = () =>
        new SpsError(
          'timeout',
          `no answer from ${new URL(this.#target.origin).host} on ${path} within ${timeoutMs} ms (timeout): the appliance is slow or overloaded, or something drops the traffic`,
        );
      const timer = setTimeout(() => {
        expired = true;
        controller?.abort(expire());
      }, timeoutMs);
      const settle = (error: Error | undefined) => {
        clearTimeout(timer);
        if (error) reject(error);
        else
          resolve({
            status,
            headers: responseHeaders,
            body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
          });
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
    // A UTF-8 byte order mark, which some proxies and firmware put in front, is not JSON's but harmless.
    return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch {
    throw new SpsError('parse', `response to ${path} is not JSON`);
  }
}
