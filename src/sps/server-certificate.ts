import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';

/** The certificate a node presented on its last connection: what its web interface and REST API serve. */
export interface ServerCertificate {
  /** The leaf's notAfter, Unix milliseconds. */
  notAfterMs: number;
  /** The earliest notAfter in the chain the node presented, the leaf's included. */
  chainNotAfterMs: number;
  subject: string;
  issuer: string;
  serialNumber: string;
  sha256Fingerprint: string;
}

/** `CN=a\nO=b` as `CN=a, O=b`. */
const oneLine = (name: string) => name.split('\n').join(', ');

/**
 * Reads a peer certificate as Node gives it with its chain (getPeerCertificate(true)): each entry
 * links to its issuer, and the last one to itself. Undefined when the peer sent none.
 */
export function readServerCertificate(peer: DetailedPeerCertificate | PeerCertificate | Record<string, never>): ServerCertificate | undefined {
  if (!('raw' in peer) || !peer.raw) return undefined;
  const leaf = new X509Certificate(peer.raw);
  let chainNotAfterMs = Date.parse(leaf.validTo);
  const seen = new Set<Buffer>([peer.raw]);
  for (let cert = (peer as DetailedPeerCertificate).issuerCertificate; cert?.raw && !seen.has(cert.raw); cert = cert.issuerCertificate) {
    seen.add(cert.raw);
    chainNotAfterMs = Math.min(chainNotAfterMs, Date.parse(new X509Certificate(cert.raw).validTo));
  }
  return {
    notAfterMs: Date.parse(leaf.validTo),
    chainNotAfterMs,
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    serialNumber: leaf.serialNumber,
    sha256Fingerprint: leaf.fingerprint256,
  };
}
