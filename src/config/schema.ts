import {
  boolean,
  kindOf,
  list,
  mapping,
  nonEmpty,
  oneOf,
  optional,
  problemAt,
  record,
  refine,
  string,
  text,
  textOrMapping,
  wholeNumber,
  type Checked,
} from './checks.js';
import { parseDuration } from './duration.js';
import { parseShard } from './shard.js';

/**
 * Labels the exporter's own series use; a configured label must not shadow one of them. Kept by
 * hand here, where the config is checked (the collectors sit a layer above): a test renders every
 * collector's output and fails on any label missing from this list.
 */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([
  'node',
  'api_endpoint',
  'reason',
  'mode',
  'protocol',
  'queue',
  'status',
  'disk',
  'partition',
  'capabilities',
  'ip',
  'task',
  'certificate',
  'indexer_service',
  'hostname',
  'firmware_version',
  'version',
  'role',
  'period',
  'member',
  'family',
  'subject',
  'issuer',
  'serial_number',
  'sha256_fingerprint',
  'exporter',
  'current_version',
  'after_reboot_version',
]);
/**
 * Labels Prometheus (job, instance) or the Prometheus Operator (endpoint, service, namespace, pod,
 * container) put on a scrape target: a configured label of that name would be renamed exported_*
 * or would override the target's own.
 */
export const TARGET_LABELS: ReadonlySet<string> = new Set([
  'job',
  'instance',
  'endpoint',
  'service',
  'namespace',
  'pod',
  'container',
]);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const duration = (min: number, max: number) =>
  text('must be a duration such as 30s or 1m', (input, problem) => {
    const ms = parseDuration(input);
    if (ms === undefined) return problem(`"${input}" is not a duration (use e.g. 500ms, 30s, 5m)`);
    if (ms < min || ms > max) return problem(`"${input}" must be between ${min}ms and ${max}ms`);
    return ms;
  });

const spsUrl = text('must be an https URL', (input, problem) => {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return problem('must be an https URL');
  }
  if (url.protocol !== 'https:') return problem('must be an https URL');
  if (url.username || url.password) return problem('must not contain credentials (use username and password_file)');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    return problem('must be the appliance origin only, such as https://sps1.example.com[:port]');
  return url.origin;
});

/** Why a configured label name cannot be used, or undefined when it can. */
function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name) || name.startsWith('__')) return 'is not a valid Prometheus label name';
  if (TARGET_LABELS.has(name))
    return 'is a label Prometheus or the Prometheus Operator sets on the scrape target; pick another name (such as site or environment)';
  if (RESERVED_LABELS.has(name)) return "is used by the exporter's own series and cannot be set here";
  return undefined;
}

const labels = refine(record(string({ notAString: () => 'label values must be strings' })), (map, path) =>
  Object.keys(map).flatMap((name) => {
    const problem = labelNameProblem(name);
    return problem ? [problemAt([...path, name], problem)] : [];
  }),
);

const tls = mapping({
  ca_file: optional(nonEmpty),
  insecure_skip_verify: optional(boolean),
  server_name: optional(nonEmpty),
});

const proxyUrl = text(
  (input) => `must be a string, not ${kindOf(input)}`,
  (input, problem) => {
    let url: URL | undefined;
    try {
      url = new URL(input);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'http:' || url.pathname !== '/' || url.search || url.hash)
      return problem(
        'must be an http:// proxy URL such as http://proxy.example.com:3128 (HTTPS to the nodes is tunnelled through it)',
      );
    if (url.username || url.password)
      return problem('must not contain credentials: send them with proxy_connect_header: { Proxy-Authorization: ... }');
    return url.origin;
  },
);

/**
 * The endpoints a target may turn off (`endpoints: { info: false }`), by the `api_endpoint` names
 * docs/metrics.md lists; a test keeps this list equal to the endpoint registry's optional reads.
 */
export const SWITCHABLE_ENDPOINTS = [
  'indexer_dashboard',
  'info',
  'health_monitoring',
  'disk_fillup_prevention',
  'cluster_status',
  'firmware_slots',
] as const;
const FIXED_ENDPOINTS: Readonly<Record<string, string>> = {
  health_status: 'is what sps_up reports, and cannot be turned off',
  cluster_nodes: 'is read for discover: cluster; leave discover out to stop it',
};
/** Why a name cannot be switched, or undefined when it can. */
const switchProblem = (name: string) =>
  FIXED_ENDPOINTS[name] ??
  ((SWITCHABLE_ENDPOINTS as readonly string[]).includes(name)
    ? undefined
    : `is not an endpoint that can be turned off (one of ${SWITCHABLE_ENDPOINTS.join(', ')})`);
/** Endpoint switches by name: on (true) or off (false). */
const endpointSwitches = record(
  oneOf([true, false], 'must be true or false'),
  text('', (name, problem) => {
    const why = switchProblem(name);
    return why === undefined ? name : problem(why);
  }),
);

/** A CONNECT header's value: text that may hold ${VAR}, or { file: PATH } (for a secret such as Proxy-Authorization). */
const headerValue = textOrMapping(
  { text: nonEmpty, mapping: mapping({ file: nonEmpty }) },
  'must be a string or { file: PATH }',
);

/** Settings a target may inherit from `defaults` or set itself. */
const targetSettings = {
  interval: optional(duration(1_000, 3_600_000)),
  timeout: optional(duration(100, 300_000)),
  username: optional(nonEmpty),
  password: optional(nonEmpty),
  password_file: optional(nonEmpty),
  tls: optional(tls),
  labels: optional(labels),
  max_response_bytes: optional(wholeNumber(1024, 256 * 1024 * 1024)),
  session_min_requests: optional(wholeNumber(1, 1_000_000)),
  session_min_age: optional(duration(1_000, 86_400_000)),
  series_limit_per_family: optional(wholeNumber(1, 1_000_000)),
  label_value_length_limit: optional(wholeNumber(16, 65_536)),
  /** As Prometheus' http_config: an HTTP proxy for the HTTPS connections to the nodes. */
  proxy_url: optional(proxyUrl),
  no_proxy: optional(string()),
  proxy_from_environment: optional(boolean),
  /** Endpoints turned off (false) or back on (true, over the defaults'). */
  endpoints: optional(endpointSwitches),
  proxy_connect_header: optional(
    record(headerValue, string({ pattern: { regex: /^[A-Za-z0-9-]+$/, message: 'must be an HTTP header name' } })),
  ),
};

const targetFields = {
  name: string({
    notAString: (input) =>
      `must be a string (quote it: name: "${typeof input === 'number' || typeof input === 'boolean' ? String(input).slice(0, 64) : '...'}")`,
    pattern: { regex: TARGET_NAME, message: 'must be 1-128 letters, digits, ".", "_", ":" or "-"' },
  }),
  url: spsUrl,
  /** `cluster`: the target is a Central Management node; its view of the cluster is exported. */
  discover: optional(oneOf(['cluster'], 'must be "cluster"')),
  /** How often a `discover: cluster` target re-reads its member list. */
  discovery_interval: optional(duration(1_000, 86_400_000)),
  ...targetSettings,
};

export const checkDefaults = mapping(targetSettings);
export const checkTarget = mapping(targetFields);
/** For a config that did not check whole: what can be read of its defaults and targets, unknown keys left out (they are reported already). */
export const checkDefaultsDroppingUnknown = mapping(targetSettings, { unknownKeys: 'drop' });
export const checkTargetDroppingUnknown = mapping(targetFields, { unknownKeys: 'drop' });

export const checkConfig = mapping({
  concurrency: optional(wholeNumber(1, 10_000)),
  shard: optional(
    text(
      'must be INDEX/COUNT, such as 0/3',
      (input, problem) => parseShard(input) ?? problem(`"${input}" is not INDEX/COUNT with 0 <= INDEX < COUNT`),
    ),
  ),
  defaults: optional(checkDefaults),
  targets: list(checkTarget, 'must be a list of targets'),
});

/** Names given to more than one target, read from the raw document so they are found whatever else is wrong. */
export function duplicateNames(input: unknown): string[] {
  const targets = (input as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  targets.forEach((target: unknown, index) => {
    const name = (target as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) problems.push(`targets[${index}].name: duplicate name "${name}" (also targets[${first}])`);
    else seen.set(name, index);
  });
  return problems;
}

export type RawConfig = Checked<typeof checkConfig>;
export type RawTarget = Checked<typeof checkTarget>;
export type RawDefaults = Checked<typeof checkDefaults>;
