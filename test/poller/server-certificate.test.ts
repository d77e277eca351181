import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { NodePoller } from '../../src/poller/node.js';
import { sendJson, startHttps, testTls, type LocalServer } from '../helpers/https-server.js';
import { fixture } from '../helpers/fixtures.js';
import { fakeAppliance } from '../../tools/simulator/appliance.js';
import { lines, silentLog } from '../helpers/targets.js';

let now = Date.now();
const exposition = new Exposition();
const pollers: NodePoller[] = [];
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('the certificate each node presents', () => {
  it('is read from the connection, expired or not (insecure_skip_verify), served while the node is fresh and cut with its data', async () => {
    const DAY = 86_400_000;
    const expired = testTls().ca.issue({
      commonName: 'sps.example.com',
      hosts: ['127.0.0.1'],
      notBefore: new Date(Date.now() - 20 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const appliance = fakeAppliance({
      username: 'u',
      password: 'p',
      answer: (req, res) =>
        req.url === '/api/health_status' ? sendJson(res, 200, fixture('health_status.json')) : sendJson(res, 404, {}),
    });
    const server = await startHttps(appliance.handler, expired);
    servers.push(server);
    const doc = {
      targets: [
        {
          name: 'lab',
          url: server.url,
          username: 'u',
          password: 'p',
          interval: '30s',
          tls: { insecure_skip_verify: true },
        },
      ],
    };
    const target = parseConfig(JSON.stringify(doc), 't', {}).targets[0]!;
    const p = new NodePoller({ target, log: silentLog, exposition, now: () => now });
    pollers.push(p);
    await p.poll();
    await p.poll();
    const text = exposition.render(p.view(now)).toString('utf8');
    const x509 = new X509Certificate(expired.certPem);
    const notAfter = Date.parse(x509.validTo) / 1000;
    expect(lines(text, 'sps_server_certificate_expiry_timestamp_seconds')).toEqual([
      `sps_server_certificate_expiry_timestamp_seconds{node="lab"} ${notAfter}`,
    ]);
    expect(lines(text, 'sps_server_certificate_chain_expiry_timestamp_seconds')).toEqual([
      `sps_server_certificate_chain_expiry_timestamp_seconds{node="lab"} ${notAfter}`,
    ]);
    const [info] = lines(text, 'sps_server_certificate_info');
    expect(info).toContain(`subject="CN=sps.example.com"`);
    expect(info).toContain(`sha256_fingerprint="${x509.fingerprint256}"`);
    expect(info).toContain(`serial_number="${x509.serialNumber}"`);
    expect(p.client.connections).toBe(1); // two polls, one connection: read once
    now += 4 * 30_000; // stale: cut with the node's other data
    expect(
      lines(exposition.render(p.view(now)).toString('utf8'), 'sps_server_certificate_expiry_timestamp_seconds'),
    ).toEqual([]);
  });
});
