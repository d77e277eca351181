import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, ESTATE_LABELS, render } from '../../grafana/dashboards.js';
import { panelQueries } from '../../grafana/queries.js';
import { METRICS } from '../../src/collect/families.js';

const file = (name: string) => fileURLToPath(new URL(`../../grafana/dashboards/${name}`, import.meta.url));
const update = process.env.UPDATE_DASHBOARDS === '1';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  fieldConfig?: {
    defaults?: { unit?: string; thresholds?: { steps: unknown[] } };
    overrides?: { properties: { id: string }[] }[];
  };
}

describe.each(Object.keys(DASHBOARDS))('%s', (name) => {
  const built = render(DASHBOARDS[name]!);
  if (update) writeFileSync(file(name), built);
  const json = JSON.parse(readFileSync(file(name), 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; type: string }[] };
  };
  const panels = json.panels.filter((p) => p.type !== 'row');

  it('is what grafana/dashboards.ts builds (run `npm run dashboards` after changing it)', () => {
    expect(readFileSync(file(name), 'utf8')).toBe(built);
  });

  it('has datasource, estate and node variables, and no hard-coded data source', () => {
    expect(json.templating.list.map((v) => `${v.name}:${v.type}`)).toEqual([
      'datasource:datasource',
      'environment:query',
      'cluster:query',
      'site:query',
      'node:query',
    ]);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it("filters every query about nodes by every estate variable (the exporter's own process panels aside)", () => {
    for (const { panel, expr } of panelQueries(json)) {
      if (/process_|sps_exporter_config_last_reload_successful/.test(expr)) continue;
      for (const label of ESTATE_LABELS) expect(expr, `${panel}: ${label}`).toContain(`${label}=~"$${label}"`);
    }
  });

  it('sets a unit on every panel', () => {
    for (const panel of panels) expect(panel.fieldConfig?.defaults?.unit, panel.title).toBeTruthy();
  });

  it('colours RAID and certificate panels with thresholds', () => {
    const coloured = panels.filter((p) => /RAID state|^RAID$|Worst RAID|[Cc]ertificate/.test(p.title));
    if (name !== 'sps-exporter-health.json') expect(coloured.length).toBeGreaterThan(0);
    for (const panel of coloured)
      expect(panel.fieldConfig?.defaults?.thresholds?.steps.length, panel.title).toBeGreaterThan(1);
  });

  it('queries only metrics the exporter exports', () => {
    const known = new Set<string>([
      ...Object.values(METRICS).map((f) => f.name),
      'up',
      'ALERTS',
      'sps_exporter_config_last_reload_successful',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]);
    const queries = panelQueries(json);
    expect(queries.length).toBeGreaterThan(5);
    for (const { panel, expr } of queries) {
      for (const [metric] of expr.matchAll(/\b(?:sps_[a-z0-9_]+|ALERTS|process_[a-z_]+)\b(?=\s*[{[)])/g))
        expect(known.has(metric), `${panel}: ${metric}`).toBe(true);
      const memory = /sps_memory_\(([a-z|]+)\)_bytes/.exec(expr);
      if (memory)
        for (const field of memory[1]!.split('|'))
          expect(['used', 'available', 'cached', 'buffers', 'free', 'total']).toContain(field);
    }
  });
});
