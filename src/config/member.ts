import { isIPv6 } from 'node:net';
import { fingerprintOf, type TargetConfig } from './load.js';
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
 * Undefined when the address cannot be part of an https origin or no usable name exists.
 */
export function memberTarget(parent: TargetConfig, member: MemberAddress): TargetConfig | undefined {
  const origin = memberOrigin(parent.origin, member.address);
  if (origin === undefined) return undefined;
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
    discover: undefined,
    discoveryIntervalMs: parent.discoveryIntervalMs,
    discoveredBy: parent.name,
    // Through the parent's proxy, as configured (no_proxy was applied to the parent's host).
    proxy: parent.proxy,
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
  if ((!isIPv6(address) && url.hostname !== host.toLowerCase()) || url.port !== port || url.pathname !== '/' || url.username || url.search || url.hash) return undefined;
  return url.origin;
}
