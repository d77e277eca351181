import { describe, expect, it } from 'vitest';
import { LOGIN_BACKOFF_MAX_MS, loginBackoffMs, retryAfterMs } from '../../src/sps/backoff.js';

describe('loginBackoffMs', () => {
  it('waits 30 s, 1, 2, 4 and 8 minutes, then 10 minutes for good; nothing before a failure', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map(loginBackoffMs)).toEqual([
      0, 30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000,
    ]);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);
  it('reads seconds and HTTP dates, caps them at the backoff maximum, and ignores what it cannot read', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('99999999', now)).toBe(LOGIN_BACKOFF_MAX_MS);
    expect(retryAfterMs(new Date(now + 300_000).toUTCString(), now)).toBe(300_000);
    expect(retryAfterMs(new Date(now - 300_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs(['60', '999'], now)).toBe(60_000);
    for (const junk of [undefined, '', 'soon', '-5', '1.5'])
      expect(retryAfterMs(junk, now), String(junk)).toBeUndefined();
  });
});
