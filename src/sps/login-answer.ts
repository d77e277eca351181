import { cookieFrom, cookieNames, SESSION_COOKIE } from './cookies.js';
import { LoginError } from './errors.js';

/** An SPS answer as the client reads it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The answer's Set-Cookie deleted the session cookie. */
  sessionDeleted?: boolean;
}

/** What a login answer gives: the session it issued, or why it issued none. */
export type LoginAnswer = { sessionId: string } | { failure: LoginError };

/** Reads a login answer: only a 2xx carrying a usable session cookie is a session; anything else says why not. */
export function readLoginAnswer(response: RawResponse, nowMs: number): LoginAnswer {
  const { status, headers } = response;
  if (status === 401 || status === 403) {
    return {
      failure: new LoginError(
        'auth',
        `login rejected (HTTP ${status}): check username, password and the user's REST server privilege`,
        status,
      ),
    };
  }
  if (status >= 300 && status <= 399) {
    return {
      failure: new LoginError(
        'http',
        `login answered with a redirect (HTTP ${status}), not a session: is the url the appliance itself, not a portal or a single sign-on page?`,
        status,
      ),
    };
  }
  if (status < 200 || status > 299) {
    const pause = headers['retry-after'] === undefined ? '' : ', asking for a pause (Retry-After)';
    return { failure: new LoginError('http', `login answered HTTP ${status}${pause}`, status) };
  }
  const setCookie = headers['set-cookie'];
  const sessionId = cookieFrom(setCookie, SESSION_COOKIE, nowMs);
  if (sessionId) return { sessionId };
  const names = cookieNames(setCookie);
  const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
  const got = names.length > 0 ? `cookies set: ${names.slice(0, 5).join(', ')}${more}` : 'no cookie set';
  return {
    failure: new LoginError(
      'auth',
      `login answered HTTP ${status} without a usable ${SESSION_COOKIE} cookie (${got})`,
      status,
    ),
  };
}
