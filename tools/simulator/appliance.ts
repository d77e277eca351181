import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, SESSION_IDLE_MS, spsError, SpsSessions, type SessionState } from './sessions.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeApplianceOptions {
  username?: string;
  password?: string;
  now?: () => number;
  idleTimeoutMs?: number;
  /** Session ids s1, s2, ... in login order instead of random ones, for a test to name them. */
  countedSessionIds?: boolean;
  /** Answers a request that carries a live session (default: a small /api/health_status body naming the session). */
  answer?: (req: IncomingMessage, res: ServerResponse, session: string) => void;
  /**
   * A hostile appliance, proxy or portal: every login is answered by this instead of SPS's rules
   * (a 5xx or 429, a redirect to a login page, HTML without a cookie, bytes that are not HTTP).
   */
  loginAnswer?: (res: ServerResponse) => void;
  /**
   * A node that does not let a session last: each session is refused after serving this many
   * requests (0: refused at once). A load balancer without sticky sessions behaves the same.
   */
  sessionRequests?: number;
}

/**
 * One fake SPS appliance for a test's local HTTPS server: the simulator's login and session rules
 * (SpsSessions: basic auth, the session_id cookie, 401 without a live session, the idle timeout),
 * each authenticated request answered by `answer`, and hostile login answers as an option. Its
 * logins, failed logins and live sessions are in `state`.
 */
export function fakeAppliance(options: FakeApplianceOptions = {}): { handler: RequestHandler; state: SessionState } {
  const state: SessionState = { logins: 0, failedLogins: 0, sessions: new Map() };
  const password = options.password ?? 'simulated-password';
  const sessions = new SpsSessions(
    {
      username: options.username ?? 'monitoring',
      password: () => password,
      now: options.now ?? Date.now,
      idleTimeoutMs: options.idleTimeoutMs ?? SESSION_IDLE_MS,
      ...(options.countedSessionIds ? { newSessionId: () => `s${state.logins}` } : {}),
    },
    state,
  );
  const answer = options.answer ?? ((_req, res, session) => json(res, 200, { health_status: { load1: 1, session } }));
  const limit = options.sessionRequests;
  /** Requests each session has served, for a node with sessionRequests. */
  const requests = new Map<string, number>();
  const handler: RequestHandler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api/authentication')
      return options.loginAnswer ? options.loginAnswer(res) : sessions.login(req, res);
    const session = sessions.session(req);
    if (session === undefined) return spsError(res, 401, 'Unauthenticated', 'Authentication is required', path);
    if (limit !== undefined) {
      const served = requests.get(session) ?? 0;
      if (served >= limit) return spsError(res, 401, 'Unauthenticated', 'Authentication is required', path);
      requests.set(session, served + 1);
    }
    answer(req, res, session);
  };
  return { handler, state };
}
