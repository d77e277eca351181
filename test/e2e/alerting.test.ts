import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { eventually, freePort, run, startExporter, type Running } from '../helpers/process.js';
import { alertmanagerBinary, startPrometheus } from '../helpers/prometheus.js';
import { DASHBOARDS } from '../../grafana/dashboards.js';
import { panelQueries, substitute } from '../../grafana/queries.js';

const repo = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

let dir: string;
let fleet: Fleet;
let exporter: Running;
let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
let alertmanager: Running;
let webhook: Server;
const received: { receiver: string; alerts: WebhookAlert[] }[] = [];

/** The shipped rules with every `for:` shortened, so the test need not wait minutes; expressions, labels and annotations stay as shipped. */
function rulesWithShortFor(): string {
  const doc = parse(readFileSync(repo('deploy/prometheus/sps-rules.yml'), 'utf8')) as { groups: { rules: { for?: string }[] }[] };
  for (const group of doc.groups) for (const rule of group.rules) if (rule.for) rule.for = '2s';
  return stringify(doc);
}

/** The shipped Alertmanager config pointed at the local webhook, with short grouping waits. */
function alertmanagerConfig(webhookUrl: string): string {
  const doc = parse(readFileSync(repo('deploy/alertmanager/alertmanager.yml'), 'utf8')) as {
    route: Record<string, unknown>;
    receivers: { name: string; webhook_configs: { url: string }[] }[];
  };
  Object.assign(doc.route, { group_wait: '1s', group_interval: '1s' });
  for (const receiver of doc.receivers) for (const hook of receiver.webhook_configs) hook.url = `${webhookUrl}/${receiver.name}`;
  return stringify(doc);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sps-alerting-'));
  fleet = await Fleet.start({
    nodes: [
      { name: 'healthy' },
      { name: 'raid', scenario: 'raid_degraded' },
      { name: 'cert', scenario: 'cert_expiring' },
      { name: 'indexer', scenario: 'indexer_down' },
      { name: 'locked', scenario: 'wrong_password' },
    ],
  });
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as { receiver: string; alerts: WebhookAlert[] }); // receiver: the Alertmanager receiver's name
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;

  exporter = await startExporter(writeExporterFiles(fleet, dir, '1s'));
  const exporterHost = (exporter as Running & { url: string }).url.replace('http://', '');

  const amPort = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), alertmanagerConfig(webhookUrl));
  alertmanager = run(alertmanagerBinary(), [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=']);

  writeFileSync(join(dir, 'sps-rules.yml'), rulesWithShortFor());
  prometheus = await startPrometheus(
    dir,
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [sps-rules.yml]
alerting:
  alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${amPort}'] }] }]
scrape_configs:
  - job_name: sps
    static_configs: [{ targets: ['${exporterHost}'] }]
`,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), alertmanager?.stop(), exporter?.stop()]);
  await fleet?.close();
  await new Promise((resolve) => webhook?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const firing = () => {
  const keys = new Set<string>();
  for (const message of received) for (const alert of message.alerts) if (alert.status === 'firing') keys.add(`${alert.labels.alertname} ${alert.labels.node} ${alert.labels.certificate ?? alert.labels.disk ?? alert.labels.service ?? ''} -> ${message.receiver}`);
  return [...keys].sort();
};

describe('alerts end to end: simulator -> exporter -> Prometheus rules -> Alertmanager -> webhook', () => {
  it('delivers exactly the expected alerts, with node labels, and nothing for the healthy node', async () => {
    const expected = [
      'SPSCertificateExpiringCritical cert service.pem -> sps',
      'SPSCertificateExpiringCritical cert worker.pem -> sps',
      'SPSIndexerServiceDown indexer indexer-service.service -> sps',
      'SPSLoginFailures locked  -> sps',
      'SPSNodeDown locked  -> sps',
      'SPSRaidDegraded raid  -> sps',
      'SPSRaidDiskFaulty raid 252:1 -> sps',
    ];
    await eventually(async () => (firing().length >= expected.length ? true : undefined), 90_000, `alerts ${expected.join(', ')}; got ${firing().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // room for anything unexpected to arrive
    expect(firing()).toEqual(expected);
    const all = received.flatMap((m) => m.alerts);
    expect(all.some((a) => a.labels.node === 'healthy')).toBe(false);
    const raid = all.find((a) => a.labels.alertname === 'SPSRaidDegraded')!;
    expect(raid.annotations.summary).toBe('RAID on SPS node raid is DEGRADED');
    expect(raid.annotations.runbook_url).toBe('docs/runbooks.md#spsraiddegraded');
    expect(raid.labels).toMatchObject({ severity: 'critical', job: 'sps', environment: 'simulated', scenario: 'raid_degraded' });
    const down = all.find((a) => a.labels.alertname === 'SPSNodeDown')!;
    expect(down.labels.reason).toBe('auth'); // what failed, not just "not answering"
  }, 120_000); // SPSLoginFailures needs the second failed login: the backoff's first wait is 30 s

  it('every dashboard panel query, its variables substituted, runs and returns data', async () => {
    const empty: string[] = [];
    for (const [name, build] of Object.entries(DASHBOARDS)) {
      const node = name === 'sps-node-detail.json' ? 'healthy' : '.+';
      for (const { panel, expr } of panelQueries(build())) {
        const result = await prometheus.query(substitute(expr, node)); // throws on a query error
        if (result.length === 0) empty.push(`${name} / ${panel}: ${expr}`);
      }
    }
    expect(empty).toEqual([]);
  });

  // Last: it stops the exporter.
  it('when the exporter goes away mid-incident, SPSExporterDown pages and no node alert is sent as resolved', async () => {
    const before = received.length;
    await exporter.stop();
    const exporterDown = () => received.slice(before).flatMap((m) => m.alerts).filter((a) => a.labels.alertname === 'SPSExporterDown' && a.status === 'firing');
    await eventually(async () => (exporterDown().length > 0 ? true : undefined), 60_000, 'SPSExporterDown firing');
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // several evaluations after the series vanished
    const resolved = received.slice(before).flatMap((m) => m.alerts).filter((a) => a.status === 'resolved').map((a) => `${a.labels.alertname} ${a.labels.node}`);
    expect(resolved).toEqual([]);
  }, 90_000);
});
