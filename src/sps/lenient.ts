/**
 * Readers for what SPS nodes send: small functions from parsed JSON to typed data, composed like a
 * schema, and the types derived from them (Infer). A reader answers INVALID for input of another
 * shape; `lenient` turns that into undefined, so a field that is missing or of the wrong type is
 * skipped instead of failing the whole response. `unknown` also takes a missing key.
 */
export const INVALID: unique symbol = Symbol('invalid');

export type Reader<T> = (input: unknown) => T | typeof INVALID;
export type Infer<R> = R extends Reader<infer T> ? T : never;

function isObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

/** A JSON number (a numeric string is a wrong type, not a value to guess at). */
export const number: Reader<number> = (input) => (typeof input === 'number' ? input : INVALID);
export const string: Reader<string> = (input) => (typeof input === 'string' ? input : INVALID);
export const boolean: Reader<boolean> = (input) => (typeof input === 'boolean' ? input : INVALID);
/** Anything, undefined included. */
export const unknown: Reader<unknown> = (input) => input;

/** The first reader that accepts the input. */
export function union<A, B>(a: Reader<A>, b: Reader<B>): Reader<A | B> {
  return (input) => {
    const value = a(input);
    return value === INVALID ? b(input) : value;
  };
}

export function nullable<T>(reader: Reader<T>): Reader<T | null> {
  return (input) => (input === null ? null : reader(input));
}

/** Undefined instead of INVALID: a missing or wrong field exports nothing, the rest still does. */
export function lenient<T>(reader: Reader<T>): Reader<T | undefined> {
  return (input) => {
    const value = reader(input);
    return value === INVALID ? undefined : value;
  };
}

/** An array whose every item the reader accepts. */
export function array<T>(item: Reader<T>): Reader<T[]> {
  return (input) => {
    if (!Array.isArray(input)) return INVALID;
    const out = new Array<T>(input.length);
    for (let i = 0; i < input.length; i++) {
      const value = item(input[i]);
      if (value === INVALID) return INVALID;
      out[i] = value;
    }
    return out;
  };
}

/** An array as it is, items unread (where only its length matters). */
export const list: Reader<unknown[]> = (input) => (Array.isArray(input) ? input : INVALID);

type Shape = Record<string, Reader<unknown>>;
/** Fields that may be undefined are optional keys. */
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/** An object with these fields, each read by its reader; other fields are ignored. */
export function object<S extends Shape>(shape: S): Reader<ObjectOf<S>> {
  const names = Object.keys(shape);
  const readers = Object.values(shape);
  // A plain property read is then an own field or missing, never something inherited.
  for (const name of names)
    if (name in Object.prototype) throw new Error(`field name "${name}" is a property of every object`);
  return (input) => {
    if (!isObject(input)) return INVALID;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value = readers[i]!(input[names[i]!]);
      if (value === INVALID) return INVALID;
      out[names[i]!] = value;
    }
    return out as ObjectOf<S>;
  };
}

/**
 * An open-ended JSON object (sessions by protocol, disks by id, ...) as a Map of its valid entries
 * (undefined when it is not an object). A Map and not a plain object: a key such as "__proto__",
 * which JSON.parse reads as an ordinary key, would become a prototype and lose the entry.
 */
export function map<T>(value: Reader<T>): Reader<Map<string, NonNullable<T>> | undefined> {
  return (input) => {
    if (!isObject(input)) return undefined;
    const out = new Map<string, NonNullable<T>>();
    for (const key in input) {
      if (!Object.hasOwn(input, key)) continue;
      const entry = value(input[key]);
      if (entry !== INVALID && entry !== undefined && entry !== null) out.set(key, entry);
    }
    return out;
  };
}

/** A reader as the schema of a whole response (see parseResponse in schemas.ts). */
export interface ResponseSchema<T> {
  read: Reader<T>;
}

export function responseSchema<T>(read: Reader<T>): ResponseSchema<T> {
  return { read };
}
