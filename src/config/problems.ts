import type { z } from 'zod';

/** Every problem found in a config, each one naming its path. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    source: string,
  ) {
    super(`invalid config ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(top level)';
}

/** Zod's own wording, which an operator should never have to read: replaced by the exporter's. */
const VALIDATOR_WORDING = /^(Invalid input|Too small|Too big|Invalid option|Invalid string|Invalid key)/;
const A_TYPE: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  record: 'a mapping (key: value)',
};

/** A value's kind as YAML shows it, for "must be ..., not ...". */
function kindOf(input: unknown): string {
  if (input === null) return 'empty';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return 'a string';
  if (typeof input === 'boolean') return `${input}`;
  if (typeof input === 'number' || typeof input === 'bigint')
    return `the ${typeof input} ${String(input).slice(0, 32)}`;
  return typeof input;
}

/** One validation problem in the exporter's words, each naming its path (config file and web config alike). */
export function formatIssue(issue: z.core.$ZodIssue): string[] {
  const at = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${at}: unknown key "${key}"`);
  if (issue.code === 'invalid_type' && issue.input === undefined) return [`${at}: is required`];
  if (!VALIDATOR_WORDING.test(issue.message)) return [`${at}: ${issue.message}`];
  switch (issue.code) {
    case 'invalid_type':
      return [`${at}: must be ${A_TYPE[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`];
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return [`${at}: must not be empty`];
      return [`${at}: must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters long' : ''}`];
    case 'too_big':
      return [`${at}: must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : ''}`];
    default:
      return [`${at}: is not a value this setting takes (see config.example.yaml)`];
  }
}
