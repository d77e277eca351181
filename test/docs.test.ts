import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { METRICS } from '../src/collect/families.js';
import { DEFAULT_PORT, USAGE } from '../src/cli.js';

const root = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('shipped documentation', () => {
  it('config.example.yaml is a valid config', () => {
    const config = parseConfig(root('config.example.yaml'), 'config.example.yaml', { env: { SPS_PASSWORD: 'x' } });
    expect(config.targets.map((t) => t.name)).toEqual(['sps-dc1-a', 'sps-dc1-b', 'sps-dc2']);
    expect(config.targets[2]!.intervalMs).toBe(60_000);
  });

  it('docs/metrics.md documents every metric family with its type, and no family the exporter does not have', () => {
    const doc = root('docs/metrics.md');
    for (const family of Object.values(METRICS))
      expect(doc, family.name).toMatch(new RegExp(`\\| \`${family.name}(\\{[^}]*\\})?\` \\| ${family.type} \\|`));
    expect(doc).toContain('sps_memory_<field>_bytes');
    const known = new Set<string>(Object.values(METRICS).map((family) => family.name));
    const documented = [...doc.matchAll(/^\| `(sps_[a-z0-9_]+)[`{]/gm)].map((match) => match[1]!);
    const selfMetrics = [
      'sps_exporter_build_info',
      'sps_exporter_config_last_reload_successful',
      'sps_exporter_config_last_reload_success_timestamp_seconds',
    ];
    expect(
      documented.filter((name) => !known.has(name) && !selfMetrics.includes(name) && name !== 'sps_memory_'),
    ).toEqual([]);
  });

  it('README gives the two commands, the default port and every flag', () => {
    const readme = root('README.md');
    expect(readme).toContain('npm run demo');
    expect(readme).toContain('npm test');
    expect(readme).toContain(String(DEFAULT_PORT));
    for (const [, flag] of USAGE.matchAll(/^ {2}(--[a-z.-]+)/gm)) expect(readme, flag).toContain(`\`${flag}`);
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
  });

  it('every source or test file the docs name exists, so a claim always points at what holds it', () => {
    const docs = ['README.md', ...readdirSync(new URL('../docs/', import.meta.url)).map((name) => `docs/${name}`)];
    const named = docs.flatMap((doc) =>
      [...root(doc).matchAll(/(?<![\w/.])((?:src|test|tools)\/[\w./-]+\.(?:ts|js))\b/g)].map(
        (m) => [doc, m[1]!] as const,
      ),
    );
    expect(named.length).toBeGreaterThan(20);
    const placeholders = new Set(['src/a/b.ts', 'test/a/b.test.ts']); // the layout rule's example
    for (const [doc, file] of named)
      if (!placeholders.has(file))
        expect(existsSync(new URL(`../${file}`, import.meta.url)), `${doc}: ${file}`).toBe(true);
  });
});
