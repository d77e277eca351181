import { describe, expect, it } from 'vitest';
import { parseResponse } from '../../src/sps/schemas.js';
import { SpsError } from '../../src/sps/errors.js';
import {
  array,
  boolean,
  INVALID,
  lenient,
  list,
  map,
  nullable,
  number,
  object,
  responseSchema,
  string,
  union,
  unknown,
} from '../../src/sps/lenient.js';

describe('lenient readers', () => {
  it('take only their own JSON type: a numeric string is not a number', () => {
    expect(number(1.5)).toBe(1.5);
    expect(number('1.5')).toBe(INVALID);
    expect(number(null)).toBe(INVALID);
    expect(number(undefined)).toBe(INVALID);
    expect(string('x')).toBe('x');
    expect(string(1)).toBe(INVALID);
    expect(boolean(false)).toBe(false);
    expect(boolean('false')).toBe(INVALID);
    expect(unknown(undefined)).toBe(undefined);
    expect(lenient(number)('x')).toBe(undefined);
    expect(nullable(number)(null)).toBe(null);
    expect(nullable(number)(undefined)).toBe(INVALID);
    expect(union(boolean, string)('active')).toBe('active');
    expect(union(boolean, string)(true)).toBe(true);
    expect(union(boolean, string)(1)).toBe(INVALID);
  });

  it('read an object field by field: a wrong lenient field is undefined, a wrong strict one fails the object, other fields are dropped', () => {
    const read = object({ a: lenient(number), b: string, c: lenient(object({ d: number })) });
    expect(read({ a: 1, b: 'x', c: { d: 2 }, extra: 3 })).toEqual({ a: 1, b: 'x', c: { d: 2 } });
    expect(read({ a: '1', b: 'x', c: { d: '2' } })).toEqual({ a: undefined, b: 'x', c: undefined });
    expect(read({ a: 1 })).toBe(INVALID);
    for (const input of [null, [], 'x', 1, undefined]) expect(read(input)).toBe(INVALID);
    expect(() => object({ constructor: number })).toThrow(/property of every object/);
  });

  it('read arrays whole: one item of the wrong type fails the array unless items are lenient', () => {
    expect(array(number)([1, 2])).toEqual([1, 2]);
    expect(array(number)([1, 'x'])).toBe(INVALID);
    expect(array(lenient(number))([1, 'x'])).toEqual([1, undefined]);
    expect(array(number)({ 0: 1 })).toBe(INVALID);
    const items = [1, 'x', null];
    expect(list(items)).toBe(items);
    expect(list('x')).toBe(INVALID);
  });

  it('read an open-ended object as a Map of its valid entries, keeping keys such as __proto__ (the series limits, not the reader, bound how many are exported)', () => {
    const read = (input: unknown) => map(number)(input) as Map<string, number> | undefined;
    const input = JSON.parse('{"ssh": 2, "rdp": "3", "vnc": null, "__proto__": 4, "constructor": 5}');
    expect([...read(input)!]).toEqual([
      ['ssh', 2],
      ['__proto__', 4],
      ['constructor', 5],
    ]);
    expect(read([1])).toBe(undefined);
    expect(read(null)).toBe(undefined);
    const many = Object.fromEntries(Array.from({ length: 1050 }, (_, i) => [`k${i}`, i]));
    expect(read(many)!.size).toBe(1050);
  });

  it('serve as response schemas: a body of another shape is a parse failure naming the path', () => {
    const schema = responseSchema(object({ body: object({ n: number }) }));
    expect(parseResponse(schema, { body: { n: 1 } }, '/api/x')).toEqual({ body: { n: 1 } });
    expect(() => parseResponse(schema, { body: {} }, '/api/x')).toThrow(
      new SpsError('parse', 'response to /api/x has an unexpected shape'),
    );
  });
});
