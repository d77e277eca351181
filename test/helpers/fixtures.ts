import { readFileSync } from 'node:fs';
import type { Sample } from '../../src/collect/families.js';
import { parseResponse, type ResponseSchema } from '../../src/sps/schemas.js';

export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** The value of the one sample with this name and exactly these labels; throws if absent or repeated. */
export function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const key = JSON.stringify(Object.entries(labels).sort());
  const found = samples.filter(
    (s) => s.family.name === name && JSON.stringify(Object.entries(s.labels ?? {}).sort()) === key,
  );
  if (found.length !== 1) throw new Error(`${found.length} samples for ${name} ${key}`);
  return found[0]!.value;
}

export function namesOf(samples: readonly Sample[]): Set<string> {
  return new Set(samples.map((s) => s.family.name));
}

/** Series identities, to prove no two samples share one. */
export function seriesKeys(samples: readonly Sample[]): string[] {
  return samples.map((s) => `${s.family.name}${JSON.stringify(Object.entries(s.labels ?? {}).sort())}`);
}

/** A response body read as the poller reads it (a parse failure throws SpsError). */
export function parseBody<T>(schema: ResponseSchema<T>, json: unknown): T {
  return parseResponse(schema, json, '/test');
}
