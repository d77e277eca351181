import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../tools/simulator/fleet.js';
import { writeExporterFiles } from '../../tools/simulator/exporter-files.js';
import { eventually, startExporter, type Running } from '../helpers/process.js';
import { startPrometheus } from '../helpers/prometheus.js';

let dir: string;
let fleet: Fleet;
let exporter: Running & { url: string };
let prometheus: Awaited<ReturnType<typeof startPrometheus>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sps-e2e-'));
  fleet = await Fleet.start({ nodes: [{}, {}, { scenario: 'raid_degraded' }] });
  const config = writeExporterFiles(fleet, dir, '1s');
  exporter = await startExporter(config, ['--log.level=debug']);
  const exporterHost = exporter.url.replace('http://', '');
  prometheus = await startPrometheus(
    dir,
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: sps
    static_configs: [{ targets: ['${exporterHost}'] }]
  - job_name: sps-probe
    metrics_path: /probe
    static_configs: [{ targets: [${fleet.nodes.map((n) => `'${n.name}'`).join(', ')}] }]
    relabel_configs:
      - { source_labels: [__address__], target_label: __param_target }
      - { source_labels: [__param_target], target_label: instance }
      - { target_label: __address__, replacement: '${exporterHost}' }
  - job_name: sps-sd
    honor_labels: true
    http_sd_configs: [{ url: 'http://${exporterHost}/sd', refresh_interval: 5s }]
`,
  );
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
  await fleet?.close();
  rmSync(dir, { recursive: true, force: true });
});

const query = (expr: string) => prometheus.query(expr);

/** Waits until `expr` returns one series per simulated node. */
const forEveryNode = (expr: string, what: string) =>
  eventually(
    async () => {
      const result = await query(expr);
      return result.length === fleet.nodes.length ? result : undefined;
    },
    60_000,
    what,
  );

describe('real Prometheus scraping the exporter polling the simulator', () => {
  it('sees sps_up == 1 for every node through /metrics', async () => {
    const up = await forEveryNode('sps_up{job="sps"} == 1', 'sps_up == 1 for every node');
    expect(up.map((r) => r.metric.node).sort()).toEqual(fleet.nodes.map((n) => n.name).sort());
  });

  it('sees every node through /probe with its own up and node label', async () => {
    const result = await forEveryNode(
      'sps_up{job="sps-probe"} == 1 and on(instance) up{job="sps-probe"} == 1',
      'probe targets up',
    );
    expect(result.every((r) => r.metric.node === r.metric.instance)).toBe(true);
  });

  it('discovers every node through /sd and scrapes each through /probe', async () => {
    const result = await forEveryNode(
      'sps_up{job="sps-sd"} == 1 and on(instance) up{job="sps-sd"} == 1',
      'http_sd targets up',
    );
    expect(result.map((r) => r.metric.node).sort()).toEqual(fleet.nodes.map((n) => n.name).sort());
    expect(
      result.every(
        (r) =>
          r.metric.instance === r.metric.node && r.metric.environment === 'simulated' && !('exported_node' in r.metric),
      ),
    ).toBe(true);
  });

  it('stores the degraded RAID and session counts as queryable series', async () => {
    const raid = await eventually(
      async () => {
        const r = await query('sps_raid_status_code{job="sps"} > 0');
        return r.length > 0 ? r : undefined;
      },
      30_000,
      'raid status',
    );
    expect(raid.map((r) => [r.metric.node, r.value[1]])).toEqual([[fleet.nodes[2]!.name, '2']]);
    const sessions = await query('sum by (node) (sps_active_sessions{job="sps"})');
    expect(sessions).toHaveLength(fleet.nodes.length);
  });

  it('logged in once per node, and never logged the password or a session id', async () => {
    const logins = await query('sps_exporter_logins_total{job="sps"}');
    expect(logins.map((r) => r.value[1])).toEqual(fleet.nodes.map(() => '1'));
    expect(fleet.nodes.map((n) => n.logins)).toEqual([1, 1, 1]);
    const log = exporter.output();
    expect(log).toContain('"level":"debug"');
    expect(log).not.toContain(fleet.password);
    expect(log).not.toContain(Buffer.from(`${fleet.username}:${fleet.password}`).toString('base64'));
    for (const node of fleet.nodes) for (const id of node.sessions.keys()) expect(log).not.toContain(id);
  });
});
