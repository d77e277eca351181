import { describe, expect, it } from 'vitest';
import { LoginError } from '../../src/sps/errors.js';
import { readLoginAnswer, type RawResponse } from '../../src/sps/login-answer.js';

const answer = (status: number, headers: RawResponse['headers'] = {}): RawResponse => ({ status, headers, body: '' });
const failure = (response: RawResponse) => {
  const read = readLoginAnswer(response, 0);
  if (!('failure' in read)) throw new Error('expected a failure');
  expect(read.failure).toBeInstanceOf(LoginError);
  return read.failure;
};

describe('readLoginAnswer', () => {
  it('a 2xx with a usable session_id cookie is a session, and only that', () => {
    expect(readLoginAnswer(answer(200, { 'set-cookie': ['lang=en', 'session_id=abc; Path=/'] }), 0)).toEqual({
      sessionId: 'abc',
    });
  });

  it('anything else says why, by reason: auth for a rejection or no cookie, http for any other status', () => {
    expect(failure(answer(401))).toMatchObject({ reason: 'auth', status: 401 });
    expect(failure(answer(403))).toMatchObject({ reason: 'auth', status: 403 });
    expect(failure(answer(302, { location: '/login' })).message).toMatch(
      /redirect \(HTTP 302\).*portal or a single sign-on page/,
    );
    expect(failure(answer(503, { 'retry-after': '60' })).message).toBe(
      'login answered HTTP 503, asking for a pause (Retry-After)',
    );
    expect(failure(answer(500))).toMatchObject({ reason: 'http', status: 500 });
    expect(failure(answer(200, { 'set-cookie': 'session_id=; Max-Age=0' })).message).toMatch(
      /without a usable session_id cookie \(cookies set: session_id\)/,
    );
  });

  it('names at most five of the cookies set, never their values', () => {
    const cookies = Array.from({ length: 3000 }, (_, i) => `c${i}=secret${i}`);
    const message = failure(answer(200, { 'set-cookie': cookies })).message;
    expect(message).toContain('cookies set: c0, c1, c2, c3, c4 and 2995 more');
    expect(message).not.toContain('secret');
  });
});
