import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/collect/families.js';
import { collectHealthStatus } from '../../src/collect/health-status.js';
import { collectIndexerDashboard } from '../../src/collect/indexer-dashboard.js';
import { collectInfo } from '../../src/collect/info.js';
import {
  HealthStatusResponseSchema,
  IndexerDashboardSchema,
  InfoSchema,
  type ResponseSchema,
} from '../../src/sps/schemas.js';
import { INVALID } from '../../src/sps/lenient.js';
import { renderSamples } from '../helpers/exposition.js';
import { fixture } from '../helpers/fixtures.js';

const RUNS = 10_000;
const HUGE = '\u0000huge\u0000'; // becomes 1e309 in the JSON text, which JSON.parse reads as Infinity

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function deep(levels: number): Json {
  let value: Json = 1;
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    '"',
    '\\',
    '\n',
    'a"b\\c\nd',
    'é日本🙂',
    '</script>',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e309',
    '12.5',
    'OK',
    'active',
  ),
);
const hostileKey = fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'toString', '252:0 "x"'));
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(HUGE, `-${HUGE}`),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  fc.double({ min: -1e308, max: 1e308, noNaN: true }),
  fc.constantFrom(0, -0, -1, 1e308, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  hostileString,
  fc.constantFrom<Json>({}, [], [1, 2], deep(60), [null], [{}]),
  fc.dictionary(hostileKey, fc.oneof(fc.integer(), hostileString, fc.constant(null)), { maxKeys: 4 }),
);

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation = { path: number; kind: 'replace' | 'delete' | 'rename'; value: Json; key: string };
const mutation = fc.record({
  path: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'rename'),
  value: hostileValue,
  key: hostileKey,
});

/** Applies mutations to a copy of `seed`, then round-trips it through JSON text as an SPS answer would arrive. */
function mutate(seed: Json, mutations: Mutation[]): unknown {
  const copy = structuredClone(seed);
  const all = paths(copy).filter((p) => p.length > 0);
  for (const m of mutations) {
    const path = all[m.path % all.length]!;
    let parent: any = copy;
    for (const step of path.slice(0, -1)) parent = parent?.[step];
    if (parent === null || typeof parent !== 'object') continue;
    const last = path.at(-1)!;
    if (!Object.hasOwn(parent, last)) continue;
    if (m.kind === 'delete' && !Array.isArray(parent)) delete parent[last];
    else if (m.kind === 'rename' && !Array.isArray(parent)) {
      const value = parent[last];
      delete parent[last];
      Object.defineProperty(parent, m.key, { value, enumerable: true, writable: true, configurable: true });
    } else
      Object.defineProperty(parent, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  const text = JSON.stringify(copy).replaceAll(`"-${HUGE}"`, '-1e309').replaceAll(`"${HUGE}"`, '1e309');
  return JSON.parse(text);
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\} (\S+)$/;

/** Renders as the exporter does and checks the text format line by line; returns the samples by series. */
function checkExposition(samples: readonly Sample[]): Map<string, number> {
  const text = renderSamples(samples, { node: 'fuzz' }).toString('utf8');
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`not a valid sample line: ${JSON.stringify(line)}`);
    const value = Number(match[3]);
    if (!Number.isFinite(value)) throw new Error(`non-finite value: ${line}`);
    const key = `${match[1]}{${match[2]}}`;
    if (series.has(key)) throw new Error(`duplicate series: ${key}`);
    series.set(key, value);
  }
  return series;
}

/** For RUNS mutated copies of a seed sample that still parse, calls `check` with the raw input and the parsed value. */
function forMutations<T>(
  seedFile: string,
  schema: ResponseSchema<T>,
  seed: number,
  check: (input: unknown, parsed: T) => void,
): void {
  const sample = fixture<Json>(seedFile);
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const input = mutate(sample, mutations);
      const parsed = schema.read(input);
      if (parsed !== INVALID) check(input, parsed); // otherwise a parse error: the node is reported down
    }),
    { numRuns: RUNS, seed },
  );
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const own = (o: unknown, k: string) =>
  o && typeof o === 'object' && !Array.isArray(o) && Object.hasOwn(o, k)
    ? (o as Record<string, unknown>)[k]
    : undefined;

describe(`collectors on ${RUNS} mutations of each seed sample`, () => {
  it('health_status: never throws, valid exposition, valid fields export and invalid ones do not', () => {
    forMutations('health_status.json', HealthStatusResponseSchema, 42, (input, parsed) => {
      if (parsed.health_status === null) return; // no_data: the node is reported down
      const series = checkExposition(collectHealthStatus(parsed.health_status).samples);
      const health = own(input, 'health_status');
      for (const field of ['load1', 'load5', 'load15'] as const) {
        const raw = own(health, field);
        expect(series.get(`sps_${field}{node="fuzz"}`)).toBe(isNumber(raw) ? raw : undefined);
      }
      for (const field of ['cpu', 'memory', 'disk', 'swap'] as const) {
        const raw = own(health, field);
        expect(series.get(`sps_${field}_usage_ratio{node="fuzz"}`)).toBe(isNumber(raw) ? raw / 100 : undefined);
      }
      const sessions = own(health, 'sessions');
      if (sessions && typeof sessions === 'object' && !Array.isArray(sessions)) {
        for (const [protocol, raw] of Object.entries(sessions)) {
          expect(series.get(`sps_active_sessions{node="fuzz",protocol="${esc(protocol)}"}`), protocol).toBe(
            isNumber(raw) ? raw : undefined,
          );
        }
      } else expect([...series.keys()].some((k) => k.startsWith('sps_active_sessions{'))).toBe(false);
      const total = isNumber(own(health, 'sessions_total'))
        ? own(health, 'sessions_total')
        : isNumber(own(health, 'total_sessions'))
          ? own(health, 'total_sessions')
          : undefined;
      expect(series.get('sps_active_sessions_reported{node="fuzz"}')).toBe(total);
    });
  });

  it('indexer dashboard: never throws, valid exposition, service states and dates only when valid', () => {
    const now = Date.UTC(2024, 0, 1);
    forMutations('indexer_dashboard.json', IndexerDashboardSchema, 43, (input, parsed) => {
      const series = checkExposition(collectIndexerDashboard(parsed, now).samples);
      const services = own(input, 'required_service_statuses');
      if (services && typeof services === 'object' && !Array.isArray(services)) {
        for (const [service, raw] of Object.entries(services)) {
          const expected =
            raw === true || raw === 'active' ? 1 : raw === false || typeof raw === 'string' ? 0 : undefined;
          expect(series.get(`sps_indexer_service_active{node="fuzz",indexer_service="${esc(service)}"}`), service).toBe(
            expected,
          );
        }
      }
      for (const key of series.keys())
        if (key.startsWith('sps_certificate_expiry_timestamp_seconds'))
          expect(series.get(key)).toBe(Date.UTC(2024, 9, 9, 12, 9, 31) / 1000);
    });
  });

  it('info: never throws, valid exposition, one sps_info with string labels only', () => {
    forMutations('info_authenticated.json', InfoSchema, 44, (input, parsed) => {
      const series = checkExposition(collectInfo(parsed).samples);
      const body = own(input, 'body');
      const label = (field: string) => {
        const raw = own(body, field);
        return typeof raw === 'string' ? esc(raw) : '';
      };
      expect(
        series.get(
          `sps_info{node="fuzz",hostname="${label('hostname')}",firmware_version="${label('firmware_version')}",version="${label('version')}"}`,
        ),
      ).toBe(1);
    });
  });
});
