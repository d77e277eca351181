// The exporter daemon: flags, config, the pollers and the HTTP server (started by main.ts).
import { createServer } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { parseCli, USAGE, type CliOptions } from './cli.js';
import { loadConfig } from './config/load.js';
import { ConfigError } from './config/problems.js';
import { formatShard } from './config/shard.js';
import { createLogger, logfmtDestination } from './log.js';
import { Exposition } from './exposition/exposition.js';
import { Scheduler } from './poller/scheduler.js';
import { createApp } from './server/app.js';
import { coalesced } from './server/coalesce.js';
import { createSelfRegistry } from './server/self-metrics.js';
import { loadWebConfig, type WebConfig } from './server/web-config.js';
import { VERSION } from './version.js';

const SHUTDOWN_GRACE_MS = 5_000;
const RELOAD_SETTLE_MS = 100;

function fail(message: string): never {
  process.stderr.write(`sps-exporter: ${message}\n`);
  process.exit(1);
}

/** The listen address as a URL for /sd: a wildcard address is replaced by this host's name. */
function listenUrl(address: AddressInfo | undefined, host: string | undefined, tls: boolean): URL {
  const wildcard = host === undefined || host === '0.0.0.0' || host === '::' || host === '[::]';
  const name = wildcard ? hostname() : host.includes(':') ? `[${host}]` : host;
  return new URL(`${tls ? 'https' : 'http'}://${name}:${address?.port ?? 0}/`);
}

function configProblem(error: unknown): string {
  return error instanceof ConfigError ? error.message : `config: ${String(error)}`;
}

async function main(options: CliOptions): Promise<void> {
  if (options.help) return void process.stdout.write(USAGE);
  if (options.version) return void process.stdout.write(`sps-exporter ${VERSION} (node ${process.version})\n`);

  let config;
  let web: WebConfig = { warnings: [] };
  try {
    config = loadConfig(options.configFile, { shard: options.shard });
    if (options.webConfigFile) web = loadWebConfig(options.webConfigFile);
  } catch (error) {
    fail(configProblem(error));
  }
  const warnings = [...config.warnings, ...web.warnings];
  if (options.checkConfig) {
    const share = config.shard ? ` in shard ${formatShard(config.shard)}` : '';
    for (const warning of warnings) process.stdout.write(`warning: ${warning}\n`);
    process.stdout.write(
      `${options.configFile}: ok, ${config.targets.length} target(s)${share}${warnings.length > 0 ? `, ${warnings.length} warning(s)` : ''}\n`,
    );
    if (options.strict && warnings.length > 0) fail(`--strict: ${warnings.length} warning(s)`);
    return;
  }

  const log = createLogger(
    options.logLevel,
    options.logFormat === 'logfmt' ? logfmtDestination(process.stdout) : undefined,
  );
  const self = createSelfRegistry(VERSION);
  const scheduler = new Scheduler({ log, exposition: new Exposition() });
  scheduler.apply(config);
  self.reloaded(true);

  for (const warning of warnings) log.warn(warning);

  let server: Server | undefined;
  /** Re-reads the web config; undefined when it was applied, else why it was refused (the old one stays). */
  const reloadWeb = (): string | undefined => {
    if (!options.webConfigFile) return undefined;
    let next: WebConfig;
    try {
      next = loadWebConfig(options.webConfigFile);
    } catch (error) {
      return configProblem(error);
    }
    if (Boolean(next.tls) !== Boolean(web.tls))
      return `${options.webConfigFile}: turning TLS on or off needs a restart`;
    if (next.tls && server instanceof HttpsServer) server.setSecureContext({ cert: next.tls.cert, key: next.tls.key });
    web = next;
    for (const warning of web.warnings) log.warn(warning);
    log.info({ tls: Boolean(web.tls), basic_auth: Boolean(web.users) }, 'web config reloaded');
    return undefined;
  };

  // Reloads asked for together share one run, and the event loop is free between two runs
  // (RELOAD_SETTLE_MS), so health checks and scrapes are answered during a storm of reloads. The
  // config and the web config are each refused on their own, keeping what ran before.
  const reloadNow = (): string | undefined => {
    const problems: string[] = [];
    try {
      const next = loadConfig(options.configFile, { shard: options.shard });
      const result = scheduler.apply(next);
      for (const warning of next.warnings) log.warn(warning);
      log.info(result, 'config reloaded');
    } catch (error) {
      problems.push(configProblem(error));
    }
    const webProblem = reloadWeb();
    if (webProblem) problems.push(webProblem);
    self.reloaded(problems.length === 0);
    if (problems.length === 0) return undefined;
    const problem = problems.join('\n');
    log.error({ err: problem }, 'config reload rejected; keeping the previous config');
    return problem;
  };
  const reload = coalesced(() => Promise.resolve(reloadNow()), RELOAD_SETTLE_MS);

  let listening: AddressInfo | undefined;
  const externalUrl = () => options.externalUrl ?? listenUrl(listening, options.listen.host, Boolean(web.tls));
  const app = createApp({
    scheduler,
    selfRegistry: self.registry,
    version: VERSION,
    reload,
    users: () => web.users,
    maxRequests: options.maxRequests,
    externalUrl,
    telemetryPath: options.telemetryPath,
  });
  server = web.tls ? createHttpsServer({ cert: web.tls.cert, key: web.tls.key }, app) : createServer(app);
  server.keepAliveTimeout = 65_000;

  // Handlers go in before "listening" is logged: a supervisor that signals as soon as it reads
  // that line would otherwise meet the default action and kill the process with no clean exit.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    void scheduler.stop();
  };
  process.on('SIGHUP', () => void reload());
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, resolve);
  }).catch((error: NodeJS.ErrnoException) =>
    fail(`cannot listen on ${options.listen.host ?? ''}:${options.listen.port} (${error.code ?? error.message})`),
  );
  if (stopping) return;
  const address = server.address() as AddressInfo;
  listening = address;
  scheduler.start();
  log.info(
    {
      version: VERSION,
      address: address.address,
      port: address.port,
      tls: Boolean(web.tls),
      basic_auth: Boolean(web.users),
      shard: config.shard && formatShard(config.shard),
      targets: config.targets.length,
    },
    'listening',
  );
}

/** Runs the exporter with these command-line arguments; a problem with them or the config ends the process. */
export function run(args: string[]): void {
  let options: CliOptions;
  try {
    options = parseCli(args);
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  main(options).catch((error: unknown) => fail(String(error)));
}
