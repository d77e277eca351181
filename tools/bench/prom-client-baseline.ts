/**
 * The /metrics baseline: prom-client holding the same series as an exposition, and how long its
 * registry.metrics() takes to render them (plain, and gzipped at level 1 as the exporter does).
 */
import { gzipSync, constants } from 'node:zlib';
import { Counter, Gauge, Registry } from 'prom-client';

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** A registry with every series of `text` (a text exposition), each family a gauge or counter as its TYPE says. */
export function registryOf(text: string): Registry {
  const registry = new Registry();
  const types = new Map<string, string>();
  const series = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space)
      for (const [, key, value] of line.slice(brace, space).matchAll(LABEL)) labels[key!] = unescape(value!);
    let list = series.get(name);
    if (!list) series.set(name, (list = []));
    list.push({ labels, value: Number(line.slice(space + 1)) });
  }
  for (const [name, list] of series) {
    const labelNames = [...new Set(list.flatMap((s) => Object.keys(s.labels)))];
    const help = `${name} (the exporter's series)`;
    if (types.get(name) === 'counter') {
      const counter = new Counter({ name, help, labelNames, registers: [registry] });
      for (const { labels, value } of list) counter.inc(labels, value);
    } else {
      const gauge = new Gauge({ name, help, labelNames, registers: [registry] });
      for (const { labels, value } of list) gauge.set(labels, value);
    }
  }
  return registry;
}

/** Median milliseconds of `runs` renders of `registry`, plain and gzipped. */
export async function promClientTimes(
  registry: Registry,
  runs: number,
): Promise<{ plainMs: number; gzipMs: number; bytes: number }> {
  const plain: number[] = [];
  const zipped: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    const text = await registry.metrics();
    plain.push(performance.now() - started);
    bytes = Buffer.byteLength(text);
    started = performance.now();
    gzipSync(await registry.metrics(), { level: constants.Z_BEST_SPEED });
    zipped.push(performance.now() - started);
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
  return { plainMs: median(plain), gzipMs: median(zipped), bytes };
}
