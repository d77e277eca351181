import { z } from 'zod';
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
  z.string({ error: 'must be a duration such as 30s or 1m' }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use e.g. 500ms, 30s, 5m)` });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `"${text}" must be between ${min}ms and ${max}ms` });
      return z.NEVER;
    }
    return ms;
  });

const spsUrl = z.string({ error: 'must be an https URL' }).transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an https URL' });
    return z.NEVER;
  }
  if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an https URL' });
  else if (url.username || url.password)
    ctx.addIssue({ code: 'custom', message: 'must not contain credentials (use username and password_file)' });
  else if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    ctx.addIssue({
      code: 'custom',
      message: 'must be the appliance origin only, such as https://sps1.example.com[:port]',
    });
  else return url.origin;
  return z.NEVER;
});

const labels = z.record(z.string(), z.string({ error: 'label values must be strings' })).superRefine((map, ctx) => {
  for (const name of Object.keys(map)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__'))
      ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid Prometheus label name' });
    else if (TARGET_LABELS.has(name))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message:
          'is a label Prometheus or the Prometheus Operator sets on the scrape target; pick another name (such as site or environment)',
      });
    else if (RESERVED_LABELS.has(name))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: "is used by the exporter's own series and cannot be set here",
      });
  }
});

const tls = z.strictObject({
  ca_file: z.string().min(1).optional(),
  insecure_skip_verify: z.boolean().optional(),
  server_name: z.string().min(1).optional(),
});

const proxyUrl = z.string().transform((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || url.pathname !== '/' || url.search || url.hash) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an http:// proxy URL such as http://proxy.example.com:3128 (HTTPS to the nodes is tunnelled through it)',
    });
    return z.NEVER;
  }
  if (url.username || url.password) {
    ctx.addIssue({
      code: 'custom',
      message: 'must not contain credentials: send them with proxy_connect_header: { Proxy-Authorization: ... }',
    });
    return z.NEVER;
  }
  return url.origin;
});

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
// Each entry is checked on its own, so a bad name and a bad value are named in the same run.
const endpointSwitches = z
  .record(
    z.string(),
    z.unknown().superRefine((value, ctx) => {
      if (typeof value !== 'boolean') ctx.addIssue({ code: 'custom', message: 'must be true or false' });
    }),
  )
  .superRefine((map, ctx) => {
    for (const name of Object.keys(map)) {
      const problem = switchProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .transform((map): Record<string, boolean> =>
    Object.fromEntries(Object.entries(map).map(([name, on]) => [name, on === true])),
  );

/** A CONNECT header's value: text that may hold ${VAR}, or { file: PATH } (for a secret such as Proxy-Authorization). */
const headerValue = z.union([z.string().min(1), z.strictObject({ file: z.string().min(1) })], {
  error: 'must be a string or { file: PATH }',
});

/** Settings a target may inherit from `defaults` or set itself. */
const targetSettings = {
  interval: duration(1_000, 3_600_000).optional(),
  timeout: duration(100, 300_000).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  password_file: z.string().min(1).optional(),
  tls: tls.optional(),
  labels: labels.optional(),
  max_response_bytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .optional(),
  session_min_requests: z.number().int().min(1).max(1_000_000).optional(),
  session_min_age: duration(1_000, 86_400_000).optional(),
  series_limit_per_family: z.number().int().min(1).max(1_000_000).optional(),
  label_value_length_limit: z.number().int().min(16).max(65_536).optional(),
  /** As Prometheus' http_config: an HTTP proxy for the HTTPS connections to the nodes. */
  proxy_url: proxyUrl.optional(),
  no_proxy: z.string().optional(),
  proxy_from_environment: z.boolean().optional(),
  /** Endpoints turned off (false) or back on (true, over the defaults'). */
  endpoints: endpointSwitches.optional(),
  proxy_connect_header: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'), headerValue)
    .optional(),
};

export const DefaultsSchema = z.strictObject(targetSettings);

export const TargetSchema = z.strictObject({
  name: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : `must be a string (quote it: name: "${typeof issue.input === 'number' || typeof issue.input === 'boolean' ? String(issue.input).slice(0, 64) : '...'}")`,
    })
    .regex(TARGET_NAME, 'must be 1-128 letters, digits, ".", "_", ":" or "-"'),
  url: spsUrl,
  /** `cluster`: the target is a Central Management node; its view of the cluster is exported. */
  discover: z.enum(['cluster'], { error: 'must be "cluster"' }).optional(),
  /** How often a `discover: cluster` target re-reads its member list. */
  discovery_interval: duration(1_000, 86_400_000).optional(),
  ...targetSettings,
});

export const ConfigSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(10_000).optional(),
  shard: z
    .string({ error: 'must be INDEX/COUNT, such as 0/3' })
    .transform(
      (text, ctx) =>
        parseShard(text) ??
        (ctx.addIssue({ code: 'custom', message: `"${text}" is not INDEX/COUNT with 0 <= INDEX < COUNT` }), z.NEVER),
    )
    .optional(),
  defaults: DefaultsSchema.optional(),
  targets: z.array(TargetSchema, { error: 'must be a list of targets' }),
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

export type RawConfig = z.output<typeof ConfigSchema>;
export type RawTarget = z.output<typeof TargetSchema>;
export type RawDefaults = z.output<typeof DefaultsSchema>;
