import { connect, type DetailedPeerCertificate } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { readServerCertificate } from '../../src/sps/server-certificate.js';
import { sendJson, startHttps, testTls, type LocalServer } from '../helpers/https-server.js';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A certificate as Node gives it: parsed fields, each entry linked to its issuer. */
function certificate(fields: Partial<DetailedPeerCertificate>): DetailedPeerCertificate {
  return {
    valid_to: 'Jan  1 00:00:00 2030 GMT',
    subject: { CN: 'leaf' },
    issuer: { CN: 'ca' },
    serialNumber: '01',
    fingerprint256: 'AA',
    ...fields,
  } as DetailedPeerCertificate;
}

describe('readServerCertificate', () => {
  it('reads the leaf, and the earliest expiry of the chain, up to a root that names itself its issuer', () => {
    const root = certificate({ valid_to: 'Jun  1 00:00:00 2031 GMT', subject: { CN: 'root' } });
    root.issuerCertificate = root;
    const intermediate = certificate({ valid_to: 'Mar  1 12:00:00 2029 GMT', issuerCertificate: root });
    const leaf = certificate({
      subject: { CN: 'sps.example', OU: ['a', 'b'] },
      issuerCertificate: intermediate,
    });
    expect(readServerCertificate(leaf)).toEqual({
      notAfterMs: Date.UTC(2030, 0, 1),
      chainNotAfterMs: Date.UTC(2029, 2, 1, 12),
      subject: 'CN=sps.example, OU=a, OU=b',
      issuer: 'CN=ca',
      serialNumber: '01',
      sha256Fingerprint: 'AA',
    });
  });

  it('is undefined when the peer sent no certificate', () => {
    expect(readServerCertificate({})).toBeUndefined();
  });

  it('reads what a real TLS server presents', async () => {
    const server = await startHttps((_req, res) => sendJson(res, 200, {}));
    servers.push(server);
    const { port } = new URL(server.url);
    const peer = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port: Number(port), ca: testTls().ca.certPem, servername: 'localhost' },
        () => {
          resolve(socket.getPeerCertificate(true));
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    const read = readServerCertificate(peer)!;
    expect(read.notAfterMs).toBe(Date.parse(peer.valid_to));
    expect(read.chainNotAfterMs).toBeLessThanOrEqual(read.notAfterMs);
    expect(read.subject).toContain('CN=');
    expect(read.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
