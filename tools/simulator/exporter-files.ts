import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Fleet } from './fleet.js';

/** Writes an exporter config for the fleet, with the CA and the password in files of their own. */
export function writeExporterFiles(
  fleet: Fleet,
  dir: string,
  interval: string,
  extra: Record<string, unknown> = {},
): string {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'ca.pem'), fleet.caPem);
  writeFileSync(join(root, 'password'), `${fleet.password}\n`, { mode: 0o600 });
  const config = {
    ...extra,
    defaults: {
      interval,
      username: fleet.username,
      password_file: join(root, 'password'),
      tls: { ca_file: join(root, 'ca.pem') },
      labels: { environment: 'simulated' },
    },
    // The first node is the fleet's Central Management node. A simulated cluster is polled through
    // it alone: the exporter finds the other nodes as its members.
    // (Its members inherit its labels, so a cluster's has no scenario label.)
    targets: (fleet.isCluster ? fleet.nodes.slice(0, 1) : fleet.nodes).map((node) => ({
      name: node.name,
      url: node.url,
      ...(node.index === 0 ? { discover: 'cluster' } : {}),
      ...(fleet.isCluster ? {} : { labels: { scenario: node.scenario } }),
    })),
  };
  const file = join(root, 'exporter.yaml');
  writeFileSync(file, `# Written by the sps-exporter simulator for its fleet.\n${stringify(config)}`);
  return file;
}
