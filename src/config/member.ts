import { isIP, isIPv6 } from 'node:net';
import { fingerprintOf, type TargetConfig } from './load.js';
import { proxyFor } from './proxy.js';
import { TARGET_NAME } from './schema.js';

export interface MemberAddress {
  /** Where the Central Management node says the member is (an IP address or a host name). */
  address: string;
  /** The member's fully qualified name, when the Central Management node reports one. */
  fqdn?: string;
}

/**
 * A cluster member as a target of its own: at its address on the Central Management node's port,
 * named by its fqdn (else its address), with the Central Management node's credentials, TLS trust,
 * timing and labels (`cluster` among them). Its certificate is checked against its fqdn when known:
 * the parent's `server_name` names the parent's certificate, not the member's.
 * It goes through the parent's proxy unless no_proxy excludes the member's own host.
 * Undefined when the address cannot be part of an https origin, is a loopback or unspecified
 * address while the parent is not on loopback (the password would go to whatever listens on this
 * machine), or no usable name exists.
 */
export function memberTarget(parent: TargetConfig, member: MemberAddress): TargetConfig | undefined {
  const origin = memberOrigin(parent.origin, member.address);
  if (origin === undefined) return undefined;
  if (isLocalHost(new URL(origin).hostname) && !isLocalHost(new URL(parent.origin).hostname)) return undefined;
  const fqdn = member.fqdn !== undefined && TARGET_NAME.test(member.fqdn) ? member.fqdn : undefined;
  const name = fqdn ?? (TARGET_NAME.test(member.address) ? member.address : undefined);
  if (name === undefined) return undefined;
  const settings = {
    name,
    origin,
    intervalMs: parent.intervalMs,
    timeoutMs: parent.timeoutMs,
    username: parent.username,
    tls: { ca: parent.tls.ca, insecureSkipVerify: parent.tls.insecureSkipVerify, serverName: fqdn },
    labels: parent.labels,
    maxResponseBytes: parent.maxResponseBytes,
    session: parent.session,
    limits: parent.limits,
    disabledEndpoints: parent.disabledEndpoints,
    discover: undefined,
    discoveryIntervalMs: parent.discoveryIntervalMs,
    discoveredBy: parent.name,
    proxy: proxyFor(parent.proxyRule, origin),
    proxyRule: parent.proxyRule,
  };
  return { ...settings, password: parent.password, fingerprint: fingerprintOf(settings, parent.password.reveal()) };
}

/** https://<address>:<the parent's port>, or undefined if the address is not a bare host. */
function memberOrigin(parentOrigin: string, address: string): string | undefined {
  const host = isIPv6(address) ? `[${address}]` : address;
  const port = new URL(parentOrigin).port;
  let url: URL;
  try {
    url = new URL(`https://${host}${port ? `:${port}` : ''}`);
  } catch {
    return undefined;
  }
  // Anything beyond a host (a path, credentials, another port) would point the parent's credentials elsewhere.
  if (
    (!isIPv6(address) && url.hostname !== host.toLowerCase()) ||
    url.port !== port ||
    url.pathname !== '/' ||
    url.username ||
    url.search ||
    url.hash
  )
    return undefined;
  return url.origin;
}

/**
 * Whether a URL's host (as URL normalizes it) names this machine or no machine: `localhost` and
 * names under it, 127.0.0.0/8, ::1, 0.0.0.0, ::, and the IPv4-mapped forms of those.
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.') || host === '0.0.0.0';
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return false;
  const high = parseInt(mapped[1]!, 16);
  return high >> 8 === 0x7f || (high === 0 && parseInt(mapped[2]!, 16) === 0);
}
