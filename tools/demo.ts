#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from '../src/cli.js';
import { Fleet } from './simulator/fleet.js';
import { SCENARIOS } from './simulator/responses.js';
import { writeExporterFiles } from './simulator/exporter-files.js';

/**
 * Starts a simulated SPS cluster with one node per scenario and the exporter polling it: the
 * exporter is given the Central Management node only and finds the other nodes as its members.
 * `--port P` (or PORT=P) fixes every port it opens: the exporter's P, the simulated cluster's P+1
 * (its nodes share that port on loopback addresses of their own). Without it the cluster takes a
 * free port.
 */
const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
const chosen = values.port ?? process.env.PORT;
const port = Number(chosen ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65_534) {
  process.stderr.write(
    `demo: --port must be a port number from 1 to 65534 (the simulated cluster takes the next one), not "${chosen}"\n`,
  );
  process.exit(2);
}
// The node whose indexer certificates expire also has a web certificate with 20 days left, so the
// demo shows SPSServerCertificateExpiringSoon's data too.
const fleet = await Fleet.start({
  nodes: [...SCENARIOS, 'healthy' as const].map((scenario) => ({
    scenario,
    ...(scenario === 'cert_expiring' ? { certificateDays: 20 } : {}),
  })),
  basePort: chosen === undefined ? 0 : port + 1,
  flapPeriodMs: 60_000,
  cluster: true,
});
const config = writeExporterFiles(fleet, '.demo', '10s');
const exporter = spawn(
  process.execPath,
  [
    fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
    `--config.file=${config}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ],
  { stdio: 'inherit' },
);
const stop = () => {
  exporter.kill('SIGTERM');
  void fleet.close();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.stderr.write(
  `\nsps-exporter demo: a simulated SPS cluster of ${fleet.nodes.length} nodes (${SCENARIOS.join(', ')}),\n` +
    `  polled through its Central Management node ${fleet.nodes[0]!.name} (${fleet.nodes[0]!.url})\n` +
    `  ports:        ${port} (the exporter) and ${fleet.nodes[0]!.port} (the simulated cluster); --port P fixes both\n` +
    `  metrics:      curl http://127.0.0.1:${port}/metrics\n` +
    `  one node:     curl 'http://127.0.0.1:${port}/probe?target=${fleet.nodes[0]!.name}'\n` +
    `  status page:  http://127.0.0.1:${port}/\n` +
    `  config used:  ${config}\n  Ctrl-C stops both.\n\n`,
);
exporter.on('exit', (code) => {
  void fleet.close().then(() => process.exit(code ?? 0));
});
