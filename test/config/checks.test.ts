import { describe, expect, it } from 'vitest';
import {
  boolean,
  checkAll,
  kindOf,
  list,
  mapping,
  oneOf,
  optional,
  record,
  string,
  text,
  textOrMapping,
  wholeNumber,
} from '../../src/config/checks.js';

describe('config checks', () => {
  const server = mapping({
    host: string({ nonEmpty: true }),
    port: optional(wholeNumber(1, 65_535)),
    tls: optional(boolean),
  });

  it('returns the value, without the fields left out', () => {
    expect(checkAll(server, { host: 'a', port: 443 })).toEqual({ value: { host: 'a', port: 443 }, problems: [] });
  });

  it('names every problem of a mapping in one pass, each at its path, and unknown keys last', () => {
    expect(checkAll(list(server, 'must be a list'), [{ port: 0, tls: 'yes', extra: 1 }, 'x'])).toEqual({
      value: undefined,
      problems: [
        '[0].host: is required',
        '[0].port: must be at least 1',
        '[0].tls: must be true or false, not a string',
        '[0]: unknown key "extra"',
        '[1]: must be a mapping (key: value), not a string',
      ],
    });
  });

  it('drops unknown keys when asked, or says of them what it is told', () => {
    const dropping = mapping({ a: optional(boolean) }, { unknownKeys: 'drop' });
    expect(checkAll(dropping, { a: true, b: 1 })).toEqual({ value: { a: true }, problems: [] });
    const grouped = mapping({}, { unknownKeys: (keys) => `unsupported key(s) ${keys.join(', ')}` });
    expect(checkAll(grouped, { b: 1, c: 2 }).problems).toEqual(['(top level): unsupported key(s) b, c']);
  });

  it('tells a whole number from a fraction and a number from text', () => {
    const check = wholeNumber(1, 10);
    expect(checkAll(check, 1.5).problems).toEqual(['(top level): must be a whole number, not the number 1.5']);
    expect(checkAll(check, '5').problems).toEqual(['(top level): must be a number, not a string']);
    expect(checkAll(check, 11).problems).toEqual(['(top level): must be at most 10']);
  });

  it('checks the keys and values of a record, text read into a value, either kind of value, and fixed choices', () => {
    const headers = record(string({ nonEmpty: true }), string({ pattern: { regex: /^[a-z]+$/, message: 'bad name' } }));
    expect(checkAll(headers, { ok: 'v', 'no t': '' }).problems).toEqual(['no t: must not be empty', 'no t: bad name']); // values, then keys
    const even = text('must be text', (input, problem) => (input.length % 2 === 0 ? input.length : problem('odd')));
    expect(checkAll(even, 'ab').value).toBe(2);
    expect(checkAll(even, 'abc').problems).toEqual(['(top level): odd']);
    expect(checkAll(even, 3).problems).toEqual(['(top level): must be text']);
    const secret = textOrMapping({ text: string({ nonEmpty: true }), mapping: mapping({ file: string() }) }, 'no');
    expect(checkAll(secret, { file: 'f' }).value).toEqual({ file: 'f' });
    expect(checkAll(secret, '').problems).toEqual(['(top level): must not be empty']);
    expect(checkAll(secret, 5).problems).toEqual(['(top level): no']);
    expect(checkAll(oneOf(['cluster'], 'must be "cluster"'), 'x').problems).toEqual(['(top level): must be "cluster"']);
  });

  it("names a value's kind as YAML shows it", () => {
    expect([null, [], {}, 's', true, 2, undefined].map(kindOf)).toEqual([
      'empty',
      'a list',
      'a mapping',
      'a string',
      'true',
      'the number 2',
      'undefined',
    ]);
  });
});
