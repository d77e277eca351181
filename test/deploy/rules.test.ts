import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '../../src/collect/families.js';

const path = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));
const read = (file: string) => readFileSync(path(file), 'utf8');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rulesText = read('deploy/prometheus/sps-rules.yml');
/** Where the shipped rules say the runbooks are served; one setting (see docs/alerting.md). */
const RUNBOOK_BASE = 'https://runbooks.example.com/sps-exporter/runbooks.md';
const rules = (parse(rulesText) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const tests = (
  parse(read('deploy/prometheus/sps-rules.test.yml')) as {
    tests: {
      input_series: { series: string }[];
      alert_rule_test?: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
    }[];
  }
).tests;

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus rules', () => {
  it('pass promtool check rules', () => {
    const result = run('promtool', ['check', 'rules', path('deploy/prometheus/sps-rules.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('pass their promtool unit tests', () => {
    const result = run('promtool', ['test', 'rules', path('deploy/prometheus/sps-rules.test.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('every alert has a severity, a summary and description naming the node or cluster, and a runbook section', () => {
    const runbooks = read('docs/runbooks.md');
    const anchors = new Set([...runbooks.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!.toLowerCase()));
    expect(alerts.length).toBeGreaterThanOrEqual(20);
    for (const rule of alerts) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      const { summary = '', description = '', runbook_url = '' } = rule.annotations ?? {};
      const subject =
        rule.alert === 'SPSExporterDown' || rule.alert === 'SPSExporterConfigReloadFailed'
          ? '$labels.instance'
          : rule.alert === 'SPSClusterFirmwareMismatch'
            ? '$labels.cluster'
            : '$labels.node';
      expect(summary, rule.alert).toContain(subject);
      expect(description, rule.alert).toContain(subject);
      expect(`${summary} ${description}`, `${rule.alert} shows its value`).toContain('$value');
      expect(runbook_url, rule.alert).toBe(`${RUNBOOK_BASE}#${rule.alert!.toLowerCase()}`);
      expect(anchors.has(rule.alert!.toLowerCase()), `runbook section for ${rule.alert}`).toBe(true);
    }
  });

  it('every alert fires in a unit test, beside input series that stay silent', () => {
    for (const rule of alerts) {
      const cases = tests.filter((t) =>
        t.alert_rule_test?.some((a) => a.alertname === rule.alert && a.exp_alerts.length > 0),
      );
      expect(cases.length, `a firing test for ${rule.alert}`).toBeGreaterThan(0);
      const silent =
        cases.some((t) => {
          const firing = t
            .alert_rule_test!.filter((a) => a.alertname === rule.alert)
            .flatMap((a) =>
              a.exp_alerts.map((e) =>
                JSON.stringify(
                  Object.entries(e.exp_labels)
                    .filter(([k]) => k !== 'severity')
                    .sort(),
                ),
              ),
            );
          return t.input_series.some(
            (s) =>
              !firing.some((f) =>
                (JSON.parse(f) as [string, string][]).every(([k, v]) => s.series.includes(`${k}="${v}"`)),
              ),
          );
        }) ||
        tests.some((t) => t.alert_rule_test?.some((a) => a.alertname === rule.alert && a.exp_alerts.length === 0));
      expect(silent, `a silent case for ${rule.alert}`).toBe(true);
    }
  });

  it('takes its thresholds from the table at the top of the file', () => {
    const table = [...rulesText.matchAll(/^#\s+threshold: (\S+)\s+= (\S+)\s+(\S+)$/gm)];
    expect(table.length).toBeGreaterThanOrEqual(10);
    for (const [, name, value, alert] of table) {
      const rule = alerts.find((r) => r.alert === alert);
      expect(rule, `${name} names alert ${alert}`).toBeDefined();
      const condition = rules.find((r) => r.record === `sps:${alert}:condition`)?.expr ?? '';
      expect(`${rule!.expr} ${condition} for ${rule!.for ?? ''}`, `${name} = ${value} in ${alert}`).toMatch(
        new RegExp(`(^|[^0-9.])${value!.replace('.', '\\.')}([^0-9.]|$)`),
      );
    }
  });

  it("no alert's identity can change during one problem: no reason or count label, the scrape target's labels aggregated away, and each node alert holds while blind", () => {
    for (const rule of alerts) {
      expect(rule.expr, rule.alert).not.toMatch(/group_left\s*\(\s*reason|by \([^)]*reason/);
      expect(Object.keys(rule.labels ?? {}), rule.alert).toEqual(['severity']);
      if (rule.alert === 'SPSExporterDown' || rule.alert === 'SPSExporterConfigReloadFailed') continue;
      const record = `sps:${rule.alert}:condition`;
      const condition = rules.find((r) => r.record === record);
      expect(condition, `${rule.alert} records its condition`).toBeDefined();
      if (rule.alert !== 'SPSClusterFirmwareMismatch')
        expect(condition!.expr, rule.alert).toMatch(
          /^max without \(job, instance, namespace, service, endpoint, pod, container\) \(/,
        );
      expect(rule.expr, rule.alert).toContain(
        `${record}\nor\n(last_over_time(${record}[1d]) and ignoring (alertname, alertstate, severity) ALERTS{alertname="${rule.alert}", alertstate="firing"})`,
      );
      expect((rule as { keep_firing_for?: string }).keep_firing_for, rule.alert).toBeUndefined();
    }
  });

  it('uses only metrics the exporter exports', () => {
    const known = new Set<string>([
      ...Object.values(METRICS).map((f) => f.name),
      'up',
      'sps_exporter_config_last_reload_successful',
    ]);
    const used = new Set<string>();
    for (const rule of rules)
      for (const [name] of rule.expr.matchAll(
        /\b(sps_[a-z0-9_]+|up)\b(?=\s*[{[)>=<!]|\s*$|\s+(and|or|unless|>|<|==))/g,
      ))
        used.add(name);
    expect(used.size).toBeGreaterThan(15);
    for (const name of used) expect(known.has(name), name).toBe(true);
  });
});

describe('Alertmanager config', () => {
  it('passes amtool check-config', () => {
    const result = run('amtool', ['check-config', path('deploy/alertmanager/alertmanager.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it("groups by node, one notification for a node whatever the severities, and inhibits a down node's data alerts", () => {
    const config = parse(read('deploy/alertmanager/alertmanager.yml')) as {
      route: { group_by: string[]; routes?: unknown[] };
      inhibit_rules: { source_matchers: string[]; equal: string[] }[];
    };
    expect(config.route.group_by).toContain('node');
    expect(config.route.routes ?? []).toEqual([]); // no split of one node's alerts by severity
    expect(config.inhibit_rules).toContainEqual(
      expect.objectContaining({ source_matchers: ['alertname="SPSNodeDown"'], equal: ['node'] }),
    );
  });
});
