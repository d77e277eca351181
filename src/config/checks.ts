import { formatPath } from './problems.js';

/**
 * The checks a config file is read with: each takes a value from the YAML document and returns it
 * as the exporter uses it, or INVALID after adding, in the exporter's words, every problem it
 * found, each one naming its path ("targets[2].tls.ca_file: must not be empty"). A mapping checks
 * every field and reports every problem, so one run of --check-config names them all.
 */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;
export type Path = readonly (string | number)[];
export type Check<T> = (input: unknown, path: Path, problems: string[]) => T | Invalid;
/** What a check returns when the value is valid. */
export type Checked<C> = C extends Check<infer T> ? T : never;

/** A problem with the value at `path`. */
export const problemAt = (path: Path, message: string) => `${formatPath(path)}: ${message}`;

/** A value's kind as YAML shows it, for "must be ..., not ...". */
export function kindOf(input: unknown): string {
  if (input === null) return 'empty';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return 'a string';
  if (typeof input === 'boolean') return `${input}`;
  if (typeof input === 'number' || typeof input === 'bigint')
    return `the ${typeof input} ${String(input).slice(0, 32)}`;
  return typeof input;
}

function fail(problems: string[], path: Path, message: string): Invalid {
  problems.push(problemAt(path, message));
  return INVALID;
}

export interface StringRules {
  /** An empty string is refused ("must not be empty"). */
  nonEmpty?: boolean;
  /** The text must match, else `message`. */
  pattern?: { regex: RegExp; message: string };
  /** What to say of a value that is not a string (default: "must be a string, not ..."). */
  notAString?: (input: unknown) => string;
}

export function string({ nonEmpty = false, pattern, notAString }: StringRules = {}): Check<string> {
  return (input, path, problems) => {
    if (typeof input !== 'string')
      return fail(problems, path, notAString ? notAString(input) : `must be a string, not ${kindOf(input)}`);
    if (nonEmpty && input === '') return fail(problems, path, 'must not be empty');
    if (pattern && !pattern.regex.test(input)) return fail(problems, path, pattern.message);
    return input;
  };
}

/** A whole number within min..max. */
export function wholeNumber(min: number, max: number): Check<number> {
  return (input, path, problems) => {
    if (typeof input !== 'number') return fail(problems, path, `must be a number, not ${kindOf(input)}`);
    if (!Number.isInteger(input)) return fail(problems, path, `must be a whole number, not ${kindOf(input)}`);
    if (input < min) return fail(problems, path, `must be at least ${min}`);
    if (input > max) return fail(problems, path, `must be at most ${max}`);
    return input;
  };
}

/** Text that is not empty. */
export const nonEmpty = string({ nonEmpty: true });

export const boolean: Check<boolean> = (input, path, problems) =>
  typeof input === 'boolean' ? input : fail(problems, path, `must be true or false, not ${kindOf(input)}`);

/**
 * Text read by `read` into the value the exporter uses (a duration, a URL, a shard); `read` returns
 * `problem(message)` for text it cannot use.
 */
export function text<T>(
  notAString: string | ((input: unknown) => string),
  read: (text: string, problem: (message: string) => Invalid) => T | Invalid,
): Check<T> {
  return (input, path, problems) => {
    if (typeof input !== 'string')
      return fail(problems, path, typeof notAString === 'string' ? notAString : notAString(input));
    return read(input, (message) => fail(problems, path, message));
  };
}

/** A field a mapping may leave out. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  const optionalCheck: Check<T | undefined> = (input, path, problems) =>
    input === undefined ? undefined : check(input, path, problems);
  return Object.assign(optionalCheck, { optional: true });
}
const isOptional = (check: Check<unknown>) => (check as { optional?: boolean }).optional === true;

const isMapping = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);
const notAMapping = (input: unknown) => `must be a mapping (key: value), not ${kindOf(input)}`;

/** A value that may be text or a mapping, each read by its own check; anything else is `message`. */
export function textOrMapping<A, B>(checks: { text: Check<A>; mapping: Check<B> }, message: string): Check<A | B> {
  return (input, path, problems) => {
    if (typeof input === 'string') return checks.text(input, path, problems);
    if (isMapping(input)) return checks.mapping(input, path, problems);
    return fail(problems, path, message);
  };
}

type Shape = Record<string, Check<unknown>>;
/** A mapping's value: a field whose check allows undefined may be absent. */
export type MappingOf<S extends Shape> = {
  [K in keyof S as undefined extends Checked<S[K]> ? never : K]: Checked<S[K]>;
} & { [K in keyof S as undefined extends Checked<S[K]> ? K : never]?: Checked<S[K]> };

export interface MappingRules {
  /**
   * Keys the shape does not have: refused by default, each named ("unknown key ..."), or dropped
   * (`'drop'`, to read what can be read of a mapping whose unknown keys were reported already), or
   * refused with the problem this returns.
   */
  unknownKeys?: 'drop' | ((keys: string[]) => string);
}

/** A mapping with these fields; a field whose check allows undefined may be left out. */
export function mapping<S extends Shape>(shape: S, { unknownKeys }: MappingRules = {}): Check<MappingOf<S>> {
  return (input, path, problems) => {
    if (!isMapping(input)) return fail(problems, path, notAMapping(input));
    let valid = true;
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = Object.hasOwn(input, key) ? input[key] : undefined;
      const checked =
        value === undefined && !isOptional(check)
          ? fail(problems, [...path, key], 'is required')
          : check(value, [...path, key], problems);
      if (checked === INVALID) valid = false;
      else if (checked !== undefined) out[key] = checked;
    }
    const unknown = Object.keys(input).filter((key) => !Object.hasOwn(shape, key));
    if (unknown.length > 0 && unknownKeys !== 'drop') {
      valid = false;
      if (unknownKeys) problems.push(problemAt(path, unknownKeys(unknown)));
      else for (const key of unknown) problems.push(problemAt(path, `unknown key "${key}"`));
    }
    return valid ? (out as MappingOf<S>) : INVALID;
  };
}

/**
 * A mapping of any keys: every value checked, then every key (by `key`, when given), so a bad key
 * and a bad value are both named in one run.
 */
export function record<T>(value: Check<T>, key?: Check<string>): Check<Record<string, T>> {
  return (input, path, problems) => {
    if (!isMapping(input)) return fail(problems, path, notAMapping(input));
    let valid = true;
    const out: Record<string, T> = {};
    for (const [name, item] of Object.entries(input)) {
      const checked = value(item, [...path, name], problems);
      if (checked === INVALID) valid = false;
      else out[name] = checked;
    }
    if (key) for (const name of Object.keys(input)) if (key(name, [...path, name], problems) === INVALID) valid = false;
    return valid ? out : INVALID;
  };
}

/** A list whose every item the check takes; anything else but a list is `notAList`. */
export function list<T>(item: Check<T>, notAList: string): Check<T[]> {
  return (input, path, problems) => {
    if (!Array.isArray(input)) return fail(problems, path, notAList);
    let valid = true;
    const out: T[] = [];
    input.forEach((value: unknown, index) => {
      const checked = item(value, [...path, index], problems);
      if (checked === INVALID) valid = false;
      else out.push(checked);
    });
    return valid ? out : INVALID;
  };
}

/** A checked value, then a further rule on it that returns a problem (or undefined). */
export function refine<T>(check: Check<T>, rule: (value: T, path: Path) => string[]): Check<T> {
  return (input, path, problems) => {
    const value = check(input, path, problems);
    if (value === INVALID) return INVALID;
    const found = rule(value, path);
    problems.push(...found);
    return found.length > 0 ? INVALID : value;
  };
}

/** One of these exact values. */
export function oneOf<const T extends string | boolean>(values: readonly T[], message: string): Check<T> {
  return (input, path, problems) => (values.includes(input as T) ? (input as T) : fail(problems, path, message));
}

/** The value `check` makes of `input`, and every problem it found (none when the value is valid). */
export function checkAll<T>(check: Check<T>, input: unknown): { value: T | undefined; problems: string[] } {
  const problems: string[] = [];
  const value = check(input, [], problems);
  return { value: value === INVALID ? undefined : value, problems };
}
