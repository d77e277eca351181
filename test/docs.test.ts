import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { METRICS } from '../src/collect/families.js';
import { DEFAULT_PORT } from '../src/cli.js';

const root = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('shipped documentation', () => {
  it('config.example.yaml is a valid config', () => {
    const config = parseConfig(root('config.example.yaml'), 'config.example.yaml', { env: { SPS_PASSWORD: 'x' } });
    expect(config.targets.map((t) => t.name)).toEqual(['sps-dc1-a', 'sps-dc1-b', 'sps-dc2']);
    expect(config.targets[2]!.intervalMs).toBe(60_000);
  });

  it('README documents every metric family, with its type', () => {
    const readme = root('README.md');
    for (const family of Object.values(METRICS)) expect(readme, family.name).toMatch(new RegExp(`\\| \`${family.name}(\\{[^}]*\\})?\` \\| ${family.type} \\|`));
    expect(readme).toContain('sps_memory_<field>_bytes');
  });

  it('README gives the two commands and the default port', () => {
    const readme = root('README.md');
    expect(readme).toContain('npm run demo');
    expect(readme).toContain('npm test');
    expect(readme).toContain(String(DEFAULT_PORT));
  });
});
