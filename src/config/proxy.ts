import { isIP } from 'node:net';
import { Secret } from './secret.js';

/** How a target is reached through an HTTP proxy: HTTPS tunnelled with CONNECT. */
export interface ProxySettings {
  /** The proxy's origin, http://host:port. */
  url: string;
  /** Headers sent with CONNECT (Proxy-Authorization, say): secrets, never logged. */
  connectHeaders: Record<string, Secret>;
}

/**
 * Whether `host` (a target's host name or address) is excluded by a NO_PROXY-style list: names
 * match themselves and their subdomains (`example.com`, `.example.com`), addresses and CIDR ranges
 * match addresses, `*` matches everything. As Go's net/http (and so Prometheus) reads it.
 */
export function excludedByNoProxy(host: string, noProxy: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(name, entry)) return true;
      continue;
    }
    const bare = entry.replace(/^\*?\./, '');
    if (name === bare || name.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const family = isIP(address);
  if (family === 0 || family !== isIP(base)) return false;
  const toBits = (text: string) => (family === 4 ? text.split('.').map((part) => Number(part).toString(2).padStart(8, '0')).join('') : expandIpv6(text));
  const bits = Number(bitsText);
  return Number.isInteger(bits) && toBits(address).slice(0, bits) === toBits(base).slice(0, bits);
}

function expandIpv6(text: string): string {
  const [head = '', tail = ''] = text.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const groups = [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)];
  return groups.map((group) => parseInt(group, 16).toString(2).padStart(16, '0')).join('');
}
