import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { eventually, freePort, run, startExporter, type Running } from '../helpers/process.js';
import { alertmanagerBinary, startPrometheus, type PrometheusQueryResult } from '../helpers/prometheus.js';
import { DASHBOARDS } from '../../grafana/dashboards.js';
import { panelQueries, substitute } from '../../grafana/queries.js';

const repo = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));
const yamlOf = <T>(file: string) => parse(readFileSync(repo(file), 'utf8')) as T;

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
}

/** The two scrape setups under test, told apart by an external label on each Prometheus. */
type Run = 'plain' | 'operator';
const RUNS: Run[] = ['plain', 'operator'];

/**
 * The target labels the Prometheus Operator puts on every series it scrapes through the shipped
 * ServiceMonitor (honorLabels unset), read from the shipped manifests: job from the Service's
 * `jobLabel` label, endpoint from the ServiceMonitor's port, service, namespace, and the pod and
 * container of the Deployment. The pod's name carries a ReplicaSet hash and a suffix, as a real one does.
 */
function operatorTargetLabels(): Record<string, string> {
  const monitor = yamlOf<{ spec: { jobLabel: string; endpoints: { port: string }[] } }>(
    'deploy/kubernetes/common/servicemonitor.yaml',
  );
  const service = yamlOf<{ metadata: { name: string; labels: Record<string, string> } }>(
    'deploy/kubernetes/common/service.yaml',
  );
  const base = yamlOf<{ namespace: string }>('deploy/kubernetes/base/kustomization.yaml');
  const deployment = yamlOf<{
    metadata: { name: string };
    spec: { template: { spec: { containers: { name: string }[] } } };
  }>('deploy/kubernetes/base/deployment.yaml');
  return {
    job: service.metadata.labels[monitor.spec.jobLabel]!,
    endpoint: monitor.spec.endpoints[0]!.port,
    service: service.metadata.name,
    namespace: base.namespace,
    pod: `${deployment.metadata.name}-6d4cf56db6-x7k2p`,
    container: deployment.spec.template.spec.containers[0]!.name,
  };
}
/** Labels a scrape target has that a node alert must not carry (it would change when the pod does). */
const TARGET_LABELS = ['job', 'instance', 'endpoint', 'service', 'namespace', 'pod', 'container'];
const withoutTarget = (labels: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(labels).filter(([name]) => !TARGET_LABELS.includes(name) && name !== 'run' && name !== '__name__'),
  );

let dir: string;
let fleet: Fleet;
let exporterConfig: string;
let exporterPort: number;
let exporter: Running;
const prometheus = new Map<Run, Awaited<ReturnType<typeof startPrometheus>>>();
let alertmanager: Running;
let webhook: Server;
const received: { at: number; receiver: string; alerts: WebhookAlert[] }[] = [];
let started = 0;

/** The shipped rules with every `for:` shortened, so the test need not wait minutes; expressions, labels and annotations stay as shipped. */
function rulesWithShortFor(): string {
  const doc = yamlOf<{ groups: { rules: { for?: string }[] }[] }>('deploy/prometheus/sps-rules.yml');
  for (const group of doc.groups) for (const rule of group.rules) if (rule.for) rule.for = '2s';
  return stringify(doc);
}

/** The shipped Alertmanager config pointed at the local webhook, with short grouping waits. */
function alertmanagerConfig(webhookUrl: string): string {
  const doc = yamlOf<{
    route: Record<string, unknown>;
    receivers: { name: string; webhook_configs: { url: string }[] }[];
  }>('deploy/alertmanager/alertmanager.yml');
  Object.assign(doc.route, { group_wait: '1s', group_interval: '1s' });
  for (const receiver of doc.receivers)
    for (const hook of receiver.webhook_configs) hook.url = `${webhookUrl}/${receiver.name}`;
  return stringify(doc);
}

function prometheusConfig(run: Run, amPort: number): string {
  const target = `127.0.0.1:${exporterPort}`;
  const scrape =
    run === 'plain'
      ? { job_name: 'sps', static_configs: [{ targets: [target] }] }
      : // As the Operator renders the ServiceMonitor: its labels on the target, honor_labels false.
        {
          job_name: 'serviceMonitor/monitoring/sps-exporter/0',
          honor_labels: false,
          static_configs: [{ targets: [target], labels: operatorTargetLabels() }],
        };
  return stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s', external_labels: { run } },
    rule_files: ['sps-rules.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
    scrape_configs: [scrape],
  });
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
      received.push({ at: Date.now(), ...(JSON.parse(body) as { receiver: string; alerts: WebhookAlert[] }) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;

  started = Date.now();
  exporterConfig = writeExporterFiles(fleet, dir, '1s');
  exporterPort = await freePort();
  exporter = await startExporter(exporterConfig, [`--web.listen-address=127.0.0.1:${exporterPort}`]);

  const amPort = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), alertmanagerConfig(webhookUrl));
  alertmanager = run(alertmanagerBinary(), [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);

  for (const name of RUNS) {
    const own = join(dir, name);
    mkdirSync(own);
    writeFileSync(join(own, 'sps-rules.yml'), rulesWithShortFor());
    prometheus.set(name, await startPrometheus(own, prometheusConfig(name, amPort)));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...[...prometheus.values()].map((p) => p.stop()), alertmanager?.stop(), exporter?.stop()]);
  await fleet?.close();
  await new Promise((resolve) => webhook?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const alerts = (since = 0) =>
  received.slice(since).flatMap((m) => m.alerts.map((alert) => ({ ...alert, receiver: m.receiver, at: m.at })));
const key = (alert: WebhookAlert) =>
  `${alert.labels.alertname} ${alert.labels.node ?? ''} ${alert.labels.certificate ?? alert.labels.disk ?? alert.labels.indexer_service ?? ''}`.trim();
const firing = (run: Run) =>
  [
    ...new Set(
      alerts()
        .filter((a) => a.status === 'firing' && a.labels.run === run)
        .map((a) => `${key(a)} -> ${a.receiver}`),
    ),
  ].sort();

describe('alerts end to end: simulator -> exporter -> Prometheus rules (plain, and as the Prometheus Operator scrapes) -> Alertmanager -> webhook', () => {
  const expected = [
    'SPSCertificateExpiringCritical cert service.pem -> sps',
    'SPSCertificateExpiringCritical cert worker.pem -> sps',
    'SPSIndexerServiceDown indexer indexer-service.service -> sps',
    'SPSLoginFailures locked -> sps',
    'SPSNodeDown locked -> sps',
    'SPSRaidDegraded raid -> sps',
    'SPSRaidDiskFaulty raid 252:1 -> sps',
  ];

  it("delivers exactly the expected alerts, with node labels, and nothing for the healthy node; the same alerts, labels and text with the Operator's target labels", async () => {
    await eventually(
      () => (RUNS.every((r) => firing(r).length >= expected.length) ? true : undefined),
      90_000,
      `alerts ${expected.join(', ')}; got ${RUNS.map((r) => `${r}: ${firing(r).join(', ')}`).join('; ')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // room for anything unexpected to arrive
    for (const run of RUNS) expect(firing(run), run).toEqual(expected);
    const all = alerts();
    expect(all.some((a) => a.labels.node === 'healthy')).toBe(false);
    const raid = all.find((a) => a.labels.alertname === 'SPSRaidDegraded' && a.labels.run === 'plain')!;
    expect(raid.annotations.summary).toBe('RAID on SPS node raid is DEGRADED');
    expect(raid.annotations.runbook_url).toBe('https://runbooks.example.com/sps-exporter/runbooks.md#spsraiddegraded');
    expect(raid.labels).toEqual({
      alertname: 'SPSRaidDegraded',
      severity: 'critical',
      node: 'raid',
      environment: 'simulated',
      scenario: 'raid_degraded',
      run: 'plain',
    });
    const down = all.find((a) => a.labels.alertname === 'SPSNodeDown' && a.labels.run === 'plain')!;
    expect(down.labels.reason).toBeUndefined(); // a label would split the alert when the reason changes
    expect(down.annotations.description).toContain('its requests fail with reason auth'); // what failed, read when it is sent
    // Each alert the same in both setups: labels (but the run) and every annotation.
    const firstOf = (run: Run) => {
      const first = new Map<string, (typeof all)[number]>();
      for (const alert of all)
        if (alert.status === 'firing' && alert.labels.run === run && !first.has(key(alert)))
          first.set(key(alert), alert);
      return first;
    };
    const plain = firstOf('plain');
    const operator = firstOf('operator');
    for (const [name, alert] of plain) {
      const other = operator.get(name)!;
      expect(withoutTarget(other.labels), name).toEqual(withoutTarget(alert.labels));
      expect(
        Object.keys(other.labels).filter((label) => TARGET_LABELS.includes(label)),
        name,
      ).toEqual([]);
      expect(other.annotations, name).toEqual(alert.annotations);
    }
    // The order of magnitude of each fault's time to notification here (`for` shortened to 2 s, 1 s polls, scrapes and evaluations), for docs/alerting.md.
    const times = Object.fromEntries(
      [...plain].map(([name, alert]) => [name, Math.round((alert.at - started) / 1000)]),
    );
    console.log(`fault to notification, seconds after the exporter started: ${JSON.stringify(times)}`);
  }, 120_000); // SPSLoginFailures needs the second failed login: the backoff's first wait is 30 s

  it('every dashboard panel query, its variables set, runs and returns the same series in both setups', async () => {
    const empty: string[] = [];
    const differ: string[] = [];
    const seriesOf = (result: PrometheusQueryResult[]) =>
      result.map((r) => JSON.stringify(Object.entries(withoutTarget(r.metric)).sort())).sort();
    for (const [name, build] of Object.entries(DASHBOARDS)) {
      const values = { environment: 'simulated', node: name === 'sps-node-detail.json' ? 'indexer' : '.+' };
      for (const { panel, expr } of panelQueries(build())) {
        const query = substitute(expr, values);
        const [plain, operator] = await Promise.all(RUNS.map((run) => prometheus.get(run)!.query(query))); // each throws on a query error
        if (plain!.length === 0) empty.push(`${name} / ${panel}: ${query}`);
        if (JSON.stringify(seriesOf(plain!)) !== JSON.stringify(seriesOf(operator!)))
          differ.push(
            `${name} / ${panel}: ${JSON.stringify(seriesOf(plain!))} vs ${JSON.stringify(seriesOf(operator!))}`,
          );
      }
    }
    expect(empty).toEqual([]);
    expect(differ).toEqual([]);
  });

  // Last: it stops the exporter.
  it('while the exporter is away, no node alert resolves however long; back with the RAID fixed, only that alert resolves', async () => {
    const before = received.length;
    const stoppedAt = Date.now();
    await exporter.stop();
    const exporterDown = () =>
      alerts(before).filter((a) => a.labels.alertname === 'SPSExporterDown' && a.status === 'firing');
    await eventually(() => (exporterDown().length > 0 ? true : undefined), 60_000, 'SPSExporterDown firing');
    console.log(
      `fault to notification: SPSExporterDown ${Math.round((exporterDown()[0]!.at - stoppedAt) / 1000)} s after the exporter stopped`,
    );
    await eventually(
      () => (new Set(exporterDown().map((a) => a.labels.run)).size === 2 ? true : undefined),
      30_000,
      'SPSExporterDown in both setups',
    );
    // Blind for 30 evaluations (with `for: 2s`, far past every `for` and past the Alertmanager's resolve timeouts in this setup).
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    expect(
      alerts(before)
        .filter((a) => a.status === 'resolved' && a.labels.alertname !== 'SPSExporterDown')
        .map(key),
    ).toEqual([]);
    fleet.setScenario('raid', 'healthy');
    const back = received.length;
    exporter = await startExporter(exporterConfig, [`--web.listen-address=127.0.0.1:${exporterPort}`]);
    const raidResolved = () =>
      alerts(back).filter((a) => a.status === 'resolved' && a.labels.alertname === 'SPSRaidDegraded');
    await eventually(
      () => (new Set(raidResolved().map((a) => a.labels.run)).size === 2 ? true : undefined),
      60_000,
      'SPSRaidDegraded resolved in both setups',
    );
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const resolved = [
      ...new Set(
        alerts(back)
          .filter((a) => a.status === 'resolved')
          .map((a) => key(a)),
      ),
    ].sort();
    expect(resolved).toEqual(['SPSExporterDown', 'SPSRaidDegraded raid', 'SPSRaidDiskFaulty raid 252:1']);
  }, 180_000);
});
