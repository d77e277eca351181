import { parseArgs } from 'node:util';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.js';
import { hostname } from 'node:os';
import { autoShard, parseShard, type Shard } from './config/shard.js';
import { FIXED_ROUTES } from './server/app.js';

export const DEFAULT_PORT = 9684;
export const DEFAULT_LISTEN_ADDRESS = `:${DEFAULT_PORT}`;
export const DEFAULT_MAX_REQUESTS = 40;
export const DEFAULT_TELEMETRY_PATH = '/metrics';

export interface CliOptions {
  configFile: string;
  listen: { host: string | undefined; port: number };
  logLevel: LogLevel;
  logFormat: LogFormat;
  webConfigFile: string | undefined;
  /** Where Prometheus reaches this exporter (for /sd); undefined: the listen address. */
  externalUrl: URL | undefined;
  maxRequests: number;
  /** Where the whole fleet's metrics are served (--web.telemetry-path). */
  telemetryPath: string;
  shard: Shard | undefined;
  checkConfig: boolean;
  /** With --check-config: warnings fail the check too. */
  strict: boolean;
  version: boolean;
  help: boolean;
}

export const USAGE = `usage: sps-exporter [flags]

  --config.file=PATH            config file (default config.yaml)
  --web.listen-address=ADDR     where to serve metrics, HOST:PORT or :PORT (default ${DEFAULT_LISTEN_ADDRESS})
  --log.level=LEVEL             debug, info, warn or error (default info)
  --log.format=FORMAT           json or logfmt (default json)
  --web.config.file=PATH        TLS and basic auth for this exporter's endpoints (exporter-toolkit format)
  --web.external-url=URL        where Prometheus reaches this exporter, as /sd gives it (default: the
                                listen address, with this host's name for a wildcard address)
  --web.max-requests=N          scrapes served at once at most; more get 503 (default ${DEFAULT_MAX_REQUESTS})
  --web.telemetry-path=PATH     where to serve the whole fleet's metrics (default ${DEFAULT_TELEMETRY_PATH})
  --shard=INDEX/COUNT           poll only this replica's share of the targets (overrides the config's shard);
                                auto/COUNT takes INDEX from the hostname's -ORDINAL (StatefulSet pods)
  --check-config                validate the config file (and --web.config.file) and exit: 0 when it can
                                run, also with warnings (risky settings); --strict makes warnings fail it
  --version                     print the version and exit
  --help                        print this help and exit
`;

/** Parses "HOST:PORT", ":PORT" or "[IPV6]:PORT". */
export function parseListenAddress(text: string): { host: string | undefined; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`--web.listen-address: "${text}" is not HOST:PORT or :PORT`);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

function parseExternalUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  ) {
    throw new Error(`--web.external-url: "${text}" is not an http(s) URL such as https://exporter.example.com:9684`);
  }
  return url;
}

/** `env`: where HOSTNAME is read for --shard=auto/COUNT (Kubernetes sets it to the pod's name). */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'config.file': { type: 'string', default: 'config.yaml' },
      'web.listen-address': { type: 'string', default: DEFAULT_LISTEN_ADDRESS },
      'log.level': { type: 'string', default: 'info' },
      'log.format': { type: 'string', default: 'json' },
      'web.config.file': { type: 'string' },
      'web.external-url': { type: 'string' },
      'web.max-requests': { type: 'string', default: String(DEFAULT_MAX_REQUESTS) },
      'web.telemetry-path': { type: 'string', default: DEFAULT_TELEMETRY_PATH },
      shard: { type: 'string' },
      'check-config': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const logLevel = values['log.level'];
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new Error(`--log.level: must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = values['log.format'];
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat))
    throw new Error(`--log.format: must be one of ${LOG_FORMATS.join(', ')}`);
  const shard =
    values.shard === undefined
      ? undefined
      : (parseShard(values.shard) ?? autoShard(values.shard, env.HOSTNAME ?? hostname()));
  if (values.shard !== undefined && !shard)
    throw new Error(`--shard: "${values.shard}" is not INDEX/COUNT with 0 <= INDEX < COUNT, or auto/COUNT`);
  const maxRequests = Number(values['web.max-requests']);
  if (!/^\d+$/.test(values['web.max-requests']) || maxRequests < 1)
    throw new Error('--web.max-requests: must be a whole number of at least 1');
  if (values.strict && !values['check-config']) throw new Error('--strict: only applies with --check-config');
  const telemetryPath = values['web.telemetry-path'];
  const otherRoutes = Object.keys(FIXED_ROUTES);
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(telemetryPath) || otherRoutes.includes(telemetryPath)) {
    throw new Error(
      `--web.telemetry-path: "${telemetryPath.slice(0, 64)}" must be a path starting with / (letters, digits, . _ ~ - /) and not one of ${otherRoutes.join(' ')}`,
    );
  }
  return {
    configFile: values['config.file'],
    telemetryPath,
    webConfigFile: values['web.config.file'],
    externalUrl: values['web.external-url'] === undefined ? undefined : parseExternalUrl(values['web.external-url']),
    maxRequests,
    shard,
    listen: parseListenAddress(values['web.listen-address']),
    logLevel: logLevel as LogLevel,
    logFormat: logFormat as LogFormat,
    checkConfig: values['check-config'],
    strict: values.strict,
    version: values.version,
    help: values.help,
  };
}
