import { describe, expect, it } from 'vitest';
import { cookieFrom, cookieNames } from '../../src/sps/cookies.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('cookieFrom (RFC 6265 5.2, 5.3)', () => {
  it('reads the named cookie among others, whatever the attributes and spacing', () => {
    expect(cookieFrom(['theme=dark', ' session_id = abc123 ; Path=/; Secure; HttpOnly'], 'session_id', NOW)).toBe(
      'abc123',
    );
    expect(cookieFrom('session_id=abc; SameSite=Lax', 'session_id', NOW)).toBe('abc');
  });

  it('is undefined when no header names the cookie, or a header has no "="', () => {
    expect(cookieFrom(undefined, 'session_id', NOW)).toBeUndefined();
    expect(cookieFrom(['session_idabc', 'other=1', 'session_id_2=x'], 'session_id', NOW)).toBeUndefined();
  });

  it('lets the last header naming the cookie win, a deletion included', () => {
    expect(cookieFrom(['session_id=old', 'session_id=new'], 'session_id', NOW)).toBe('new');
    expect(cookieFrom(['session_id=old', 'session_id=; Path=/'], 'session_id', NOW)).toBeNull();
    expect(cookieFrom(['session_id=; Path=/', 'session_id=again'], 'session_id', NOW)).toBe('again');
  });

  it('deletes on Max-Age of zero or less, which takes precedence over Expires', () => {
    expect(cookieFrom('session_id=a; Max-Age=0', 'session_id', NOW)).toBeNull();
    expect(cookieFrom('session_id=a; max-age=-1', 'session_id', NOW)).toBeNull();
    expect(cookieFrom('session_id=a; Max-Age=1200; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'session_id', NOW)).toBe(
      'a',
    );
    expect(cookieFrom('session_id=a; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT', 'session_id', NOW)).toBeNull();
  });

  it('deletes on an Expires in the past, keeps one in the future, and ignores one it cannot read', () => {
    expect(cookieFrom('session_id=a; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'session_id', NOW)).toBeNull();
    expect(cookieFrom('session_id=a; Expires=Fri, 01 Jan 2100 00:00:00 GMT', 'session_id', NOW)).toBe('a');
    expect(cookieFrom('session_id=a; Expires=soon', 'session_id', NOW)).toBe('a');
    expect(cookieFrom('session_id=a; Max-Age=soon', 'session_id', NOW)).toBe('a');
  });
});

describe('cookieNames', () => {
  it('names the cookies a response sets, never their values, each name cut to 64 characters', () => {
    expect(cookieNames(['a=secret-1; Path=/', 'b = secret-2', 'novalue', `${'n'.repeat(100)}=x`])).toEqual([
      'a',
      'b',
      'n'.repeat(64),
    ]);
    expect(cookieNames(undefined)).toEqual([]);
    expect(cookieNames('=x')).toEqual([]);
  });
});
