import { parseConfig, type ExporterConfig, type TargetConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import type { Fleet } from '../../tools/simulator/fleet.js';

export const silentLog = createLogger('error', { write() {} });

/** An exporter config for fleet nodes, built through the real config parser. */
export function fleetConfig(
  fleet: Fleet,
  extra: Record<string, unknown> = {},
  names = fleet.nodes.map((n) => n.name),
): ExporterConfig {
  const targets = fleet.nodes.filter((n) => names.includes(n.name)).map((n) => ({ name: n.name, url: n.url }));
  const doc = {
    defaults: { interval: '30s', timeout: '5s', username: fleet.username, password: fleet.password, ...extra },
    targets,
  };
  const config = parseConfig(JSON.stringify(doc), 'test', {});
  for (const target of config.targets) target.tls.ca = fleet.caPem;
  return config;
}

export function fleetTarget(fleet: Fleet, name: string, extra: Record<string, unknown> = {}): TargetConfig {
  return fleetConfig(fleet, extra, [name]).targets[0]!;
}

/** Lines of an exposition for one metric name, as `name{labels} value`. */
export function lines(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}
