import type { ServerCertificate } from '../sps/server-certificate.js';
import { METRICS } from './families.js';
import { SampleList, type Collected } from './samples.js';

/** Maps the certificate a node presented (read from the connection, not from an endpoint) to samples. */
export function collectServerCertificate(certificate: ServerCertificate): Collected {
  const out = new SampleList();
  out.add(METRICS.serverCertificateExpiry, certificate.notAfterMs / 1000);
  out.add(METRICS.serverCertificateChainExpiry, certificate.chainNotAfterMs / 1000);
  const { subject, issuer, serialNumber: serial_number, sha256Fingerprint: sha256_fingerprint } = certificate;
  out.add(METRICS.serverCertificateInfo, 1, { subject, issuer, serial_number, sha256_fingerprint });
  return out;
}
