import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, type Running } from './process.js';

export interface PrometheusQueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus (Debian package) on loopback, with the given config body. */
export async function startPrometheus(
  dir: string,
  config: string,
): Promise<Running & { url: string; query(expr: string): Promise<PrometheusQueryResult[]> }> {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const prometheus = run('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(prometheus, {
    url,
    async query(expr: string) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data: { result: PrometheusQueryResult[] } };
      if (body.status !== 'success') throw new Error(JSON.stringify(body));
      return body.data.result;
    },
  });
}

/** Debian names the binary prometheus-alertmanager; upstream names it alertmanager. */
export function alertmanagerBinary(): string {
  return (
    ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager', '/usr/bin/alertmanager'].find((p) =>
      existsSync(p),
    ) ?? 'prometheus-alertmanager'
  );
}
