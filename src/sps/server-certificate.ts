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

/** A distinguished name as Node gives it ({ CN: 'a', O: 'b' }) as `CN=a, O=b`; repeated attributes come as arrays. */
function distinguishedName(name: Record<string, string | string[]> | undefined): string {
  return Object.entries(name ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${v}`))
    .join(', ');
}

/**
 * Reads a peer certificate as Node gives it with its chain (getPeerCertificate(true)): each entry
 * links to its issuer, and the root to itself. Only its parsed fields are read, no certificate is
 * parsed again. Undefined when the peer sent none.
 */
export function readServerCertificate(
  peer: DetailedPeerCertificate | PeerCertificate | Record<string, never>,
): ServerCertificate | undefined {
  if (!('valid_to' in peer) || !peer.valid_to) return undefined;
  const notAfterMs = Date.parse(peer.valid_to);
  let chainNotAfterMs = notAfterMs;
  const seen = new Set<object>([peer]);
  for (
    let cert = (peer as DetailedPeerCertificate).issuerCertificate;
    cert?.valid_to && !seen.has(cert);
    cert = cert.issuerCertificate
  ) {
    seen.add(cert);
    chainNotAfterMs = Math.min(chainNotAfterMs, Date.parse(cert.valid_to));
  }
  return {
    notAfterMs,
    chainNotAfterMs,
    subject: distinguishedName(peer.subject as unknown as Record<string, string | string[]>),
    issuer: distinguishedName(peer.issuer as unknown as Record<string, string | string[]>),
    serialNumber: peer.serialNumber,
    sha256Fingerprint: peer.fingerprint256,
  };
}
