import { isIP } from 'node:net';
import { Secret } from './secret.js';

/** How a target is reached through an HTTP proxy: HTTPS tunnelled with CONNECT. */
export interface ProxySettings {
  /** The proxy's origin, http://host:port. */
  url: string;
  /** Headers sent with CONNECT (Proxy-Authorization, say): secrets, never logged. */
  connectHeaders: Record<string, Secret>;
}

/** A proxy and the hosts it is not used for: each node, a discovered cluster member too, is matched on its own. */
export interface ProxyRule {
  settings: ProxySettings;
  noProxy: readonly NoProxyEntry[];
}

/** One entry of a NO_PROXY-style list, parsed. */
export type NoProxyEntry =
  | { kind: 'any'; port?: undefined }
  | { kind: 'cidr'; family: IpFamily; bits: string; prefix: number; port?: undefined }
  | { kind: 'address'; family: IpFamily; bits: string; port?: number }
  | { kind: 'name'; name: string; port?: number };
type IpFamily = 4 | 6;
/** An address's family (4 or 6), or 0 when the text is no address. */
const familyOf = (text: string) => isIP(text) as IpFamily | 0;

export interface ParsedNoProxy {
  entries: NoProxyEntry[];
  /** Entries that are not a host, address, range or `*`, each named. */
  problems: string[];
}

/**
 * Parses a NO_PROXY-style list as Go's net/http (and so Prometheus) reads it: names match
 * themselves and their subdomains (`example.com`, `.example.com`, `*.example.com`), addresses
 * (IPv6 with or without brackets) and CIDR ranges match addresses, `*` matches everything, and an
 * entry with a port (`host:443`, `[::1]:443`) matches that port only.
 */
export function parseNoProxy(text: string): ParsedNoProxy {
  const entries: NoProxyEntry[] = [];
  const problems: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const parsed = parseEntry(entry);
    if (typeof parsed === 'string') problems.push(`"${entry.slice(0, 64)}" ${parsed}`);
    else entries.push(parsed);
  }
  return { entries, problems };
}

/** Whether `origin` (https://host[:port]) is excluded by a parsed no_proxy list. */
export function excludedByNoProxy(origin: string, entries: readonly NoProxyEntry[]): boolean {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const family = familyOf(host);
  const bits = family === 0 ? undefined : addressBits(host, family);
  for (const entry of entries) {
    if (entry.port !== undefined && entry.port !== port) continue;
    switch (entry.kind) {
      case 'any':
        return true;
      case 'cidr':
        if (family === entry.family && bits!.slice(0, entry.prefix) === entry.bits.slice(0, entry.prefix)) return true;
        break;
      case 'address':
        if (family === entry.family && bits === entry.bits) return true;
        break;
      case 'name':
        if (family === 0 && (host === entry.name || host.endsWith(`.${entry.name}`))) return true;
        break;
    }
  }
  return false;
}

/** The proxy for `origin` under `rule`: its settings, or undefined when no_proxy excludes the origin. */
export function proxyFor(rule: ProxyRule | undefined, origin: string): ProxySettings | undefined {
  return rule && !excludedByNoProxy(origin, rule.noProxy) ? rule.settings : undefined;
}

export interface EnvironmentProxy {
  url: string;
  /** Basic credentials from the URL's user info, to be sent as Proxy-Authorization. */
  authorization?: Secret;
}

/**
 * Reads an HTTPS_PROXY value: http://[user:password@]host[:port], or host[:port] as Go reads it.
 * The exporter tunnels with CONNECT over plain HTTP to the proxy, so any other scheme (socks5,
 * https) is a problem, not a setting to ignore. Credentials become a Proxy-Authorization header.
 * The problem text never repeats the value, which may hold a password.
 */
export function readEnvironmentProxy(value: string): EnvironmentProxy | string {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:')
    return `uses ${url.protocol.slice(0, -1).slice(0, 16)}://, but only http:// proxies are supported (HTTPS to the nodes is tunnelled through them with CONNECT)`;
  if (url.hostname === '') return 'names no proxy host';
  if (!url.username && !url.password) return { url: url.origin };
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return 'has credentials that are not valid percent-encoding';
  }
  return {
    url: url.origin,
    authorization: new Secret(`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`),
  };
}

/** Characters that would end a header line or the header block: a value holding one could inject headers. */
export const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

function parseEntry(entry: string): NoProxyEntry | string {
  if (entry === '*') return { kind: 'any' };
  if (entry.includes('/')) {
    const [base = '', prefixText = '', ...rest] = entry.split('/');
    const address = base.replace(/^\[|\]$/g, '');
    const family = familyOf(address);
    const prefix = Number(prefixText);
    if (rest.length > 0 || family === 0 || !/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128))
      return 'is not a CIDR range such as 10.0.0.0/8 or fd00::/8';
    return { kind: 'cidr', family, bits: addressBits(address, family), prefix };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    const family = familyOf(bracketed[1]!);
    if (family !== 6) return 'is not an IPv6 address in brackets';
    return withPort({ kind: 'address', family, bits: addressBits(bracketed[1]!, family) }, bracketed[2]);
  }
  const family = familyOf(entry);
  if (family !== 0) return { kind: 'address', family, bits: addressBits(entry, family) };
  const [, host = entry, port] = /^(.*?)(?::(\d+))?$/.exec(entry)!;
  if (familyOf(host) === 4) return withPort({ kind: 'address', family: 4, bits: addressBits(host, 4) }, port);
  const name = host.replace(/^\*?\./, '');
  if (!/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(name)) return 'is not a host name, address, CIDR range or *';
  return withPort({ kind: 'name', name }, port);
}

function withPort<T extends NoProxyEntry>(entry: T, portText: string | undefined): T | string {
  if (portText === undefined) return entry;
  const port = Number(portText);
  return port >= 1 && port <= 65_535 ? { ...entry, port } : 'has a port outside 1-65535';
}

/** An address as a string of bits, so an address and a range compare by prefix. */
function addressBits(address: string, family: IpFamily): string {
  if (family === 4)
    return address
      .split('.')
      .map((part) => Number(part).toString(2).padStart(8, '0'))
      .join('');
  let text = address;
  // An embedded IPv4 tail (::ffff:10.1.2.3) as two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail = ''] = text.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const missing = text.includes('::') ? 8 - parts(head).length - parts(tail).length : 0;
  const groups = [...parts(head), ...Array<string>(missing).fill('0'), ...parts(tail)];
  return groups.map((group) => parseInt(group, 16).toString(2).padStart(16, '0')).join('');
}
