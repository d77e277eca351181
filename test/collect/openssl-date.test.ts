import { describe, expect, it } from 'vitest';
import { parseOpensslDate } from '../../src/collect/openssl-date.js';

describe('parseOpensslDate', () => {
  it("reads OpenSSL's notAfter form as SPS sends it, the day space-padded or not", () => {
    expect(parseOpensslDate('Oct  9 12:09:31 2024 GMT')).toBe(Date.UTC(2024, 9, 9, 12, 9, 31));
    expect(parseOpensslDate('Oct 19 12:09:31 2024 GMT')).toBe(Date.UTC(2024, 9, 19, 12, 9, 31));
    expect(parseOpensslDate(' Feb 29 00:00:00 2028 GMT ')).toBe(Date.UTC(2028, 1, 29));
  });

  it('refuses anything else rather than guess: other zones, forms, months, and dates that do not exist', () => {
    for (const text of [
      '',
      'Oct 9 12:09:31 2024',
      'Oct 9 12:09:31 2024 UTC',
      '2024-10-09T12:09:31Z',
      'oct 9 12:09:31 2024 GMT',
      'Foo 9 12:09:31 2024 GMT',
      'Feb 31 00:00:00 2024 GMT',
      'Feb 29 00:00:00 2025 GMT',
      'Oct 9 24:00:00 2024 GMT',
      'Oct 9 12:60:00 2024 GMT',
      'Oct 9 12:09:60 2024 GMT',
    ])
      expect(parseOpensslDate(text), text).toBeUndefined();
  });
});
