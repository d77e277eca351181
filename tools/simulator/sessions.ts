import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** SPS ends a session left idle this long. */
export const SESSION_IDLE_MS = 20 * 60_000;

/** What an appliance's logins leave behind: the counters tests read, and the live sessions (id -> last use). */
export interface SessionState {
  logins: number;
  failedLogins: number;
  sessions: Map<string, number>;
}

export interface SessionRules {
  username: string;
  /** The password a login must send (a function: a scenario may change it while the fleet runs). */
  password: () => string;
  now: () => number;
  idleTimeoutMs: number;
  /** A new session's id (random by default). */
  newSessionId?: () => string;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** An error in SPS's own shape: { error: { details, message, type }, meta }. */
export function spsError(res: ServerResponse, status: number, type: string, message: string, path: string): void {
  json(res, status, { error: { details: { path }, message, type }, meta: { href: path, parent: '/api' } });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * SPS's login and session rules, as the simulator's nodes and the tests' fake appliances keep
 * them: GET /api/authentication with basic auth answers 200 and a `session_id` cookie, or 401;
 * a request carrying a live session's cookie is authenticated, and a session idle for
 * `idleTimeoutMs` is gone. Counts go to the state object it is given (a simulated node's own).
 */
export class SpsSessions {
  readonly #rules: SessionRules;
  readonly #state: SessionState;

  constructor(rules: SessionRules, state: SessionState) {
    this.#rules = rules;
    this.#state = state;
  }

  /** Answers a login request. */
  login(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const { username, password, now, newSessionId = () => randomBytes(20).toString('hex') } = this.#rules;
    if (colon < 0 || decoded.slice(0, colon) !== username || !sameSecret(decoded.slice(colon + 1), password())) {
      this.#state.failedLogins++;
      return spsError(
        res,
        401,
        'AuthenticationFailure',
        'Authenticating the user with the given credentials has failed',
        '/api/authentication',
      );
    }
    this.#state.logins++;
    const id = newSessionId();
    this.#state.sessions.set(id, now());
    json(
      res,
      200,
      { meta: { href: '/api/authentication', parent: '/api' } },
      { 'set-cookie': `session_id=${id}; Path=/; Secure; HttpOnly` },
    );
  }

  /** The live session the request carries, its idle time restarted; undefined for none (or one that idled out). */
  session(req: IncomingMessage): string | undefined {
    const id = /(?:^|;\s*)session_id=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (id === undefined) return undefined;
    const lastUsed = this.#state.sessions.get(id);
    const now = this.#rules.now();
    if (lastUsed === undefined) return undefined;
    if (now - lastUsed > this.#rules.idleTimeoutMs) {
      this.#state.sessions.delete(id);
      return undefined;
    }
    this.#state.sessions.set(id, now);
    return id;
  }
}
