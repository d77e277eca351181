import { createHash, X509Certificate } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { checkAll } from './checks.js';
import {
  checkConfig,
  checkDefaultsDroppingUnknown,
  checkTargetDroppingUnknown,
  duplicateNames,
  type RawDefaults,
  type RawTarget,
} from './schema.js';
import { Secret } from './secret.js';
import { FileReadError, readTextFile } from './file.js';
import { interpolate, readFileAt, type Resolution } from './resolution.js';
import { readYaml } from './yaml.js';
import {
  parseNoProxy,
  proxyFor,
  readEnvironmentProxy,
  UNSAFE_HEADER_VALUE,
  type ProxyRule,
  type ProxySettings,
} from './proxy.js';
import { ConfigError } from './problems.js';
import { inShard, type Shard } from './shard.js';
import type { ExporterConfig, TargetConfig } from './types.js';

export type { ExporterConfig, SeriesLimits, SessionRules, TargetConfig, TlsSettings } from './types.js';

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 128;
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_DISCOVERY_INTERVAL_MS = 5 * 60_000;
/** A session SPS ends before it served this many requests or lived this long counts as a failed login. */
export const DEFAULT_SESSION_MIN_REQUESTS = 10;
export const DEFAULT_SESSION_MIN_AGE_MS = 10 * 60_000;
export const DEFAULT_SERIES_LIMIT_PER_FAMILY = 1000;
export const DEFAULT_LABEL_VALUE_LENGTH_LIMIT = 512;

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** From --shard; overrides the config's `shard`. */
  shard?: Shard;
  /** What a relative path in the config is relative to: the config file's directory (loadConfig), else the working directory. */
  baseDir?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** Why a CA file's text is not one or more PEM certificates (undefined when it is). */
function certificateProblem(pem: string): string | undefined {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return 'holds no PEM certificate';
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      return 'holds a certificate that does not parse';
    }
  }
  return undefined;
}

/** Changes whenever a setting or a secret (the password, a proxy header) changes, without revealing them. */
export function fingerprintOf(settings: Omit<TargetConfig, 'password' | 'fingerprint'>, password: string): string {
  const hash = createHash('sha256').update(JSON.stringify(settings)).update('\0').update(password);
  for (const [name, value] of Object.entries(settings.proxy?.connectHeaders ?? {}))
    hash.update(`\0${name}:${value.reveal()}`);
  return hash.digest('hex');
}

/** The built-in values of the plain settings, under the config's `defaults` and a target's own. */
const BUILT_IN = {
  interval: DEFAULT_INTERVAL_MS,
  max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
  session_min_requests: DEFAULT_SESSION_MIN_REQUESTS,
  session_min_age: DEFAULT_SESSION_MIN_AGE_MS,
  series_limit_per_family: DEFAULT_SERIES_LIMIT_PER_FAMILY,
  label_value_length_limit: DEFAULT_LABEL_VALUE_LENGTH_LIMIT,
  discovery_interval: DEFAULT_DISCOVERY_INTERVAL_MS,
};

/** One target as configured: its own settings, the config's defaults, and its place in the file (for messages). */
interface TargetSource {
  raw: RawTarget;
  defaults: RawDefaults;
  index: number;
}

/** `a`'s entries, then `b`'s that are set: a setting left out (or undefined) does not hide the one beneath. */
function over<A extends Record<string, unknown>, B extends Record<string, unknown>>(a: A, b: B): A & B {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) if (value !== undefined) out[key] = value;
  return out as A & B;
}

function resolveTarget(source: TargetSource, resolution: Resolution): TargetConfig {
  const { raw, defaults, index } = source;
  const { problems } = resolution;
  // The plain settings, merged once: built in, then defaults, then the target's own. Settings
  // taken as a whole from one place (password, proxy) or merged by key (tls, labels, endpoints)
  // are read below, each naming where it came from.
  const settings = over(over(BUILT_IN, defaults), raw);
  const at = (key: string) => `targets[${index}].${key}`;
  const own = raw.password !== undefined || raw.password_file !== undefined;
  const secretFrom = own ? raw : defaults;
  const secretPath = own ? at('password') : 'defaults.password';
  if (secretFrom.password !== undefined && secretFrom.password_file !== undefined) {
    problems.push(`${secretPath}: set password or password_file, not both`);
  }
  let password = '';
  if (secretFrom.password_file !== undefined)
    password = readFileAt(secretFrom.password_file, `${secretPath}_file`, resolution, { secret: true });
  else if (secretFrom.password !== undefined) {
    password = interpolate(secretFrom.password, secretPath, resolution);
    // ${VAR} alone is how a secret comes from the environment; anything else sits in the config file.
    if (!/^(\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/.test(secretFrom.password)) {
      resolution.warnings.add(
        `${secretPath}: the password is written in the config file, which is rarely kept as a secret: use password_file (or \${VAR})`,
      );
    }
  } else problems.push(`${at('password')}: is required (set password_file or password here or in defaults)`);

  const rawUser = raw.username ?? defaults.username;
  const username = rawUser === undefined ? '' : interpolate(rawUser, at('username'), resolution);
  if (rawUser === undefined) problems.push(`${at('username')}: is required (here or in defaults)`);

  const tlsRaw = { ...defaults.tls, ...raw.tls };
  let ca: string | undefined;
  if (tlsRaw.ca_file !== undefined) {
    const caPath = raw.tls?.ca_file === undefined ? 'defaults.tls.ca_file' : at('tls.ca_file');
    ca = readFileAt(tlsRaw.ca_file, caPath, resolution, { secret: false });
    const problem = ca ? certificateProblem(ca) : undefined;
    if (problem) problems.push(`${caPath}: ${tlsRaw.ca_file} ${problem}`);
  }
  const intervalMs = settings.interval;
  const timeoutMs = settings.timeout ?? Math.min(DEFAULT_TIMEOUT_MS, intervalMs);
  if (timeoutMs > intervalMs) problems.push(`${at('timeout')}: must not be longer than the interval`);
  if (tlsRaw.insecure_skip_verify) {
    const path =
      raw.tls?.insecure_skip_verify === undefined
        ? 'defaults.tls.insecure_skip_verify'
        : at('tls.insecure_skip_verify');
    resolution.warnings.add(
      `${path}: the nodes' certificates are not verified, so whoever can intercept the connection gets the monitoring password: set tls.ca_file (and server_name) instead`,
    );
  }

  const target = {
    name: raw.name,
    origin: raw.url,
    intervalMs,
    timeoutMs,
    username,
    tls: { ca, insecureSkipVerify: tlsRaw.insecure_skip_verify ?? false, serverName: tlsRaw.server_name },
    labels: { ...defaults.labels, ...raw.labels },
    maxResponseBytes: settings.max_response_bytes,
    session: { minRequests: settings.session_min_requests, minAgeMs: settings.session_min_age },
    limits: { seriesPerFamily: settings.series_limit_per_family, labelValueLength: settings.label_value_length_limit },
    disabledEndpoints: Object.entries({ ...defaults.endpoints, ...raw.endpoints })
      .filter(([, on]) => !on)
      .map(([name]) => name)
      .sort(),
    discover: raw.discover,
    discoveryIntervalMs: settings.discovery_interval,
    proxy: undefined as ProxySettings | undefined,
    proxyRule: resolveProxy(source, resolution),
  };
  target.proxy = proxyFor(target.proxyRule, raw.url);
  if (raw.discover) {
    if (target.labels.cluster !== undefined)
      problems.push(
        `${at('labels.cluster')}: cannot be set on a target with discover: cluster (its series and its members' carry cluster="${raw.name}")`,
      );
    target.labels.cluster = raw.name;
  } else if (raw.discovery_interval !== undefined)
    problems.push(`${at('discovery_interval')}: only applies to a target with discover: cluster`);
  return { ...target, password: new Secret(password), fingerprint: fingerprintOf(target, password) };
}

/**
 * The proxy rule a target uses: its own proxy settings or the defaults' (taken as a whole, like tls
 * files), from proxy_url or from the environment (HTTPS_PROXY, NO_PROXY). Which hosts it excludes
 * is decided per origin (proxyFor), so a discovered member is matched against no_proxy itself.
 */
function resolveProxy({ raw, defaults, index }: TargetSource, resolution: Resolution): ProxyRule | undefined {
  const { env, problems } = resolution;
  const own =
    raw.proxy_url !== undefined ||
    raw.proxy_from_environment !== undefined ||
    raw.no_proxy !== undefined ||
    raw.proxy_connect_header !== undefined;
  const from = own ? raw : defaults;
  const at = own ? `targets[${index}]` : 'defaults';
  if (from.proxy_url !== undefined && from.proxy_from_environment)
    problems.push(`${at}.proxy_url: set proxy_url or proxy_from_environment, not both`);
  if (
    (from.no_proxy !== undefined || from.proxy_connect_header !== undefined) &&
    from.proxy_url === undefined &&
    !from.proxy_from_environment
  ) {
    problems.push(`${at}: no_proxy and proxy_connect_header need proxy_url or proxy_from_environment`);
  }
  const connectHeaders: Record<string, Secret> = {};
  for (const [name, value] of Object.entries(from.proxy_connect_header ?? {})) {
    const path = `${at}.proxy_connect_header.${name}`;
    const text =
      typeof value === 'string'
        ? interpolate(value, path, resolution)
        : readFileAt(value.file, path, resolution, { secret: true });
    // The message names the header, never its value: it may be a credential.
    if (UNSAFE_HEADER_VALUE.test(text))
      problems.push(
        `${path}: the value holds a line break or NUL, which would end the header (check the variable or file it comes from)`,
      );
    connectHeaders[name] = new Secret(text);
  }
  const noProxy = parseNoProxy(from.no_proxy ?? '');
  for (const problem of noProxy.problems) problems.push(`${at}.no_proxy: ${problem}`);
  let url = from.proxy_url;
  if (from.proxy_from_environment) {
    const [name, value] =
      env.HTTPS_PROXY !== undefined ? ['HTTPS_PROXY', env.HTTPS_PROXY] : ['https_proxy', env.https_proxy];
    if (value) {
      const proxy = readEnvironmentProxy(value);
      if (typeof proxy === 'string') problems.push(`${at}.proxy_from_environment: ${name} ${proxy}`);
      else {
        url = proxy.url;
        const named = Object.keys(connectHeaders).find((header) => header.toLowerCase() === 'proxy-authorization');
        if (proxy.authorization && named)
          problems.push(
            `${at}.proxy_from_environment: ${name} has credentials and proxy_connect_header sets ${named}: keep one`,
          );
        else if (proxy.authorization) connectHeaders['Proxy-Authorization'] = proxy.authorization;
      }
    }
    const [noName, noValue] =
      env.NO_PROXY !== undefined ? ['NO_PROXY', env.NO_PROXY] : ['no_proxy', env.no_proxy ?? ''];
    const fromEnv = parseNoProxy(noValue);
    for (const problem of fromEnv.problems) problems.push(`${at}.proxy_from_environment: ${noName}: ${problem}`);
    noProxy.entries.push(...fromEnv.entries);
  }
  return url === undefined ? undefined : { settings: { url, connectHeaders }, noProxy: noProxy.entries };
}

/** Validates config text; throws ConfigError listing every problem. */
export function parseConfig(
  text: string,
  source: string,
  { env = process.env, shard: shardFlag, baseDir = process.cwd() }: LoadOptions = {},
): ExporterConfig {
  const yaml = readYaml(text);
  if (yaml.problems.length > 0) throw new ConfigError(yaml.problems, source);
  const input = yaml.value;
  const { value: checked, problems } = checkAll(checkConfig, input);
  problems.push(...duplicateNames(input));
  // What parsed is resolved even when something else did not, so one check names every unreadable
  // file and unset variable too. Without readable defaults, every target would seem to lack them.
  const parsed = checked ?? parsedParts(input);
  // Secrets of other shards' targets are read too: every replica validates the whole config alike.
  const resolution: Resolution = { env, baseDir, files: new Map(), problems, warnings: new Set() };
  const targets: TargetConfig[] = [];
  for (const [index, raw] of parsed?.targets.entries() ?? []) {
    if (raw) targets.push(resolveTarget({ raw, defaults: parsed?.defaults ?? {}, index }, resolution));
  }
  // A problem in the defaults is found once per target that inherits it, and named once.
  if (problems.length > 0 || !checked) throw new ConfigError([...new Set(problems)], source);
  const shard = shardFlag ?? checked.shard;
  return {
    concurrency: checked.concurrency ?? DEFAULT_CONCURRENCY,
    shard,
    targets: targets.filter((t) => inShard(t.name, shard)),
    warnings: [...resolution.warnings, ...sameOrigins(targets)],
  };
}

/** Targets that name one appliance twice: each polls it with a session of its own, two logins and twice the load. */
function sameOrigins(targets: readonly TargetConfig[]): string[] {
  const first = new Map<string, string>();
  const warnings: string[] = [];
  for (const { name, origin } of targets) {
    const other = first.get(origin);
    if (other === undefined) first.set(origin, name);
    else
      warnings.push(
        `targets "${other}" and "${name}" have the same url ${origin}: each logs in and polls it on its own`,
      );
  }
  return warnings;
}

/** The defaults and each target that parse on their own, for a config that did not parse whole (undefined without readable defaults). */
function parsedParts(
  input: unknown,
): { defaults: RawDefaults | undefined; targets: (RawTarget | undefined)[] } | undefined {
  const { defaults, targets } = (input ?? {}) as { defaults?: unknown; targets?: unknown };
  // Unknown keys are reported already; here they are left out, so a typo hides no other problem.
  const readDefaults =
    defaults === undefined ? { value: undefined, problems: [] } : checkAll(checkDefaultsDroppingUnknown, defaults);
  if (readDefaults.problems.length > 0) return undefined;
  return {
    defaults: readDefaults.value,
    targets: Array.isArray(targets) ? targets.map((target) => checkAll(checkTargetDroppingUnknown, target).value) : [],
  };
}

export function loadConfig(file: string, options: LoadOptions = {}): ExporterConfig {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new ConfigError([`cannot read config file (${error.reason})`], file);
  }
  return parseConfig(text, file, { baseDir: dirname(resolve(file)), ...options });
}
