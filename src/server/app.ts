import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { TEXT_CONTENT_TYPE } from '../exposition/format.js';
import type { Scheduler } from '../poller/scheduler.js';
import { renderLanding } from './landing.js';
import { BlockPool, sendExposition } from './stream.js';
import { basicAuth } from './web-config.js';
import { constants, gzipSync } from 'node:zlib';

export interface AppOptions {
  scheduler: Scheduler;
  selfRegistry: Registry;
  version: string;
  /** Re-reads the config; resolves to an error message if the new config was rejected. */
  reload: () => Promise<string | undefined>;
  /** basic_auth_users from --web.config.file as of now (user -> bcrypt hash; undefined: no auth): a reload may change them. */
  users?: () => Map<string, string> | undefined;
  /** Scrapes (/metrics, /probe) served at once at most; more are answered 503 (--web.max-requests). */
  maxRequests: number;
  /** How long a block of a scrape may wait for its client to take it before the connection is closed. */
  writeTimeoutMs?: number;
  /** Where Prometheus reaches this exporter, for /sd: scheme, host and port, and any path prefix. */
  externalUrl: () => URL;
  /** Where the whole fleet's metrics are served (--web.telemetry-path; default /metrics). */
  telemetryPath?: string;
}

export const DEFAULT_WRITE_TIMEOUT_MS = 30_000;
const MAX_TARGET_LENGTH = 256;

/** The routes beside the telemetry path, and the methods each answers; --web.telemetry-path may not take one. */
export const FIXED_ROUTES: Readonly<Record<string, string>> = {
  '/': 'GET, HEAD',
  '/probe': 'GET, HEAD',
  '/sd': 'GET, HEAD',
  '/-/healthy': 'GET, HEAD',
  '/-/ready': 'GET, HEAD',
  '/-/reload': 'POST',
};

/** Every route and the methods it answers; any other method gets 405 with Allow. */
const routes = (telemetryPath: string): Readonly<Record<string, string>> => ({
  ...FIXED_ROUTES,
  [telemetryPath]: 'GET, HEAD',
});

/** Prometheus asks for gzip (Accept-Encoding: gzip) unless its scrape config turns compression off. */
const acceptsGzip = (req: Request) => req.acceptsEncodings('gzip', 'identity') === 'gzip';

export function createApp(options: AppOptions): Express {
  const {
    scheduler,
    selfRegistry,
    version,
    reload,
    users,
    maxRequests,
    writeTimeoutMs = DEFAULT_WRITE_TIMEOUT_MS,
    externalUrl,
    telemetryPath = '/metrics',
  } = options;
  const ROUTES = routes(telemetryPath);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Liveness and readiness stay open for orchestrators; everything else needs the credentials.
  if (users) app.use(basicAuth(users, ['/-/healthy', '/-/ready']));

  const text = (res: Response, status: number, body: string) =>
    res.status(status).type('text/plain; charset=utf-8').send(body);

  // Scrapes hold memory while their clients read (blocks, gzip state): past the bound, 503 at once,
  // as promhttp's MaxRequestsInFlight and node_exporter's --web.max-requests do.
  let scrapes = 0;
  const boundScrapes = (_req: Request, res: Response, next: NextFunction) => {
    if (scrapes >= maxRequests)
      return text(res.set('retry-after', '1'), 503, `more than ${maxRequests} scrapes at once (--web.max-requests)\n`);
    scrapes++;
    res.once('close', () => scrapes--);
    next();
  };

  const blocks = new BlockPool();
  app.get(telemetryPath, boundScrapes, async (req: Request, res: Response) => {
    // prom-client's event-loop lag probe waits a turn of the loop: the node exposition is set up meanwhile.
    const self = selfRegistry.metrics();
    await sendExposition(
      res,
      scheduler.fleetReader(),
      self.then((text) => Buffer.from(text)),
      { pool: blocks, gzip: acceptsGzip(req), writeTimeoutMs },
    );
  });

  app.get('/probe', boundScrapes, (req: Request, res: Response) => {
    const target = req.query.target;
    if (typeof target !== 'string' || target === '' || target.length > MAX_TARGET_LENGTH)
      return text(res, 400, 'target must be the name of one configured node\n');
    const body = scheduler.renderTarget(target);
    if (body === undefined) return text(res, 404, 'unknown target: not a configured node name\n');
    res.status(200).set({ 'content-type': TEXT_CONTENT_TYPE, vary: 'Accept-Encoding' });
    if (!acceptsGzip(req)) return res.send(body);
    return res.set('content-encoding', 'gzip').send(gzipSync(body, { level: constants.Z_BEST_SPEED })); // one node's text is small: not worth a stream
  });

  // Prometheus http_sd: one target per node of this replica, scraped through /probe at the
  // configured external address (never the request's Host header, which any client can set).
  // Use it with honor_labels: true, so the node's own labels on its series are kept as they are.
  app.get('/sd', (_req: Request, res: Response) => {
    const url = externalUrl();
    const address = url.host;
    const scheme = url.protocol.replace(/:$/, '');
    const probePath = `${url.pathname.replace(/\/+$/, '')}/probe`;
    res.json(
      scheduler.nodes.map((node) => ({
        targets: [address],
        // `exporter`: which exporter a target goes through, so SPSExporterDown fires once per exporter.
        labels: {
          __scheme__: scheme,
          __metrics_path__: probePath,
          __param_target: node.name,
          instance: node.name,
          node: node.name,
          exporter: address,
          ...node.target.labels,
        },
      })),
    );
  });

  app.get('/-/healthy', (_req, res) => text(res, 200, 'Healthy\n'));
  app.get('/-/ready', (_req, res) => text(res, 200, 'Ready\n'));
  app.post('/-/reload', async (_req, res) => {
    const error = await reload();
    return error === undefined
      ? text(res, 200, 'config reloaded\n')
      : text(res, 500, `config rejected, previous config still in use:\n${error}\n`);
  });
  app.get('/', (_req, res) =>
    res
      .status(200)
      .type('html')
      .send(renderLanding({ version, nodes: scheduler.nodes, telemetryPath })),
  );
  app.use((req: Request, res: Response) => {
    const allow = Object.hasOwn(ROUTES, req.path) ? ROUTES[req.path] : undefined;
    if (allow === undefined) return text(res, 404, 'not found\n');
    text(res.set('allow', allow), 405, `method not allowed; use ${allow}\n`);
  });
  return app;
}
