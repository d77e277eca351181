import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TestCa } from './certs.js';
import type { Fleet } from './fleet.js';
import { SCENARIOS, type Scenario } from './responses.js';

/**
 * The fleet's CA, kept in `dir` across restarts (ca.pem, ca-key.pem), so an exporter configured
 * with it keeps trusting the simulator; made and saved there the first time.
 */
export function persistentCa(dir: string): TestCa {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  if (existsSync(certFile) && existsSync(keyFile))
    return new TestCa(undefined, { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') });
  mkdirSync(dir, { recursive: true });
  const ca = new TestCa('sps-exporter simulator CA');
  writeFileSync(certFile, ca.certPem);
  writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
  return ca;
}

/**
 * The simulator's control port, on loopback, to rehearse alerts without repointing the exporter:
 *   GET  /scenario                              every node's scenario, as JSON
 *   POST /scenario?node=NAME&scenario=SCENARIO  switch a node while it runs
 */
export async function startControl(fleet: Fleet, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    if (url.pathname !== '/scenario') return send(404, { error: 'use /scenario' });
    if (req.method === 'GET')
      return send(200, Object.fromEntries(fleet.nodes.map((node) => [node.name, node.scenario])));
    if (req.method !== 'POST') return send(405, { error: 'GET or POST' });
    const node = url.searchParams.get('node') ?? '';
    const scenario = url.searchParams.get('scenario') ?? '';
    if (!(SCENARIOS as readonly string[]).includes(scenario))
      return send(400, { error: `scenario must be one of ${SCENARIOS.join(', ')}` });
    if (!fleet.setScenario(node, scenario as Scenario)) return send(404, { error: `no node named "${node}"` });
    send(200, { node, scenario });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

export const controlUrl = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
