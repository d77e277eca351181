import express, { type Express, type Request, type Response } from 'express';
import type { Registry } from './prom-client.js';
import { TEXT_CONTENT_TYPE } from '../exposition/text.js';
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
  reload(): Promise<string | undefined>;
  /** basic_auth_users from --web.config.file: user -> bcrypt hash. */
  users?: Map<string, string>;
}

const MAX_TARGET_LENGTH = 256;

/** Prometheus asks for gzip (Accept-Encoding: gzip) unless its scrape config turns compression off. */
const acceptsGzip = (req: Request) => req.acceptsEncodings('gzip', 'identity') === 'gzip';

export function createApp({ scheduler, selfRegistry, version, reload, users }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Liveness and readiness stay open for orchestrators; everything else needs the credentials.
  if (users) app.use(basicAuth(users, ['/-/healthy', '/-/ready']));

  const text = (res: Response, status: number, body: string) => res.status(status).type('text/plain; charset=utf-8').send(body);

  const blocks = new BlockPool();
  app.get('/metrics', async (req: Request, res: Response) => {
    // prom-client's event-loop lag probe waits a turn of the loop: the node exposition is set up meanwhile.
    const self = selfRegistry.metrics();
    await sendExposition(res, scheduler.exposition(), self.then((text) => Buffer.from(text)), blocks, acceptsGzip(req));
  });

  app.get('/probe', (req: Request, res: Response) => {
    const target = req.query.target;
    if (typeof target !== 'string' || target === '' || target.length > MAX_TARGET_LENGTH) return text(res, 400, 'target must be the name of one configured node\n');
    const body = scheduler.renderTarget(target);
    if (body === undefined) return text(res, 404, 'unknown target: not a configured node name\n');
    res.status(200).set({ 'content-type': TEXT_CONTENT_TYPE, vary: 'Accept-Encoding' });
    if (!acceptsGzip(req)) return res.send(body);
    return res.set('content-encoding', 'gzip').send(gzipSync(body, { level: constants.Z_BEST_SPEED })); // ~12 KB a node: not worth a stream
  });

  // Prometheus http_sd: one target per node of this replica, scraped through /probe.
  // Use it with honor_labels: true, so the node's own labels on its series are kept as they are.
  app.get('/sd', (req: Request, res: Response) => {
    const address = req.headers.host ?? '';
    res.json(
      scheduler.nodes.map((node) => ({
        targets: [address],
        labels: { __metrics_path__: '/probe', __param_target: node.name, instance: node.name, node: node.name, ...node.target.labels },
      })),
    );
  });

  app.get('/-/healthy', (_req, res) => text(res, 200, 'Healthy\n'));
  app.get('/-/ready', (_req, res) => text(res, 200, 'Ready\n'));
  app.post('/-/reload', async (_req, res) => {
    const error = await reload();
    return error === undefined ? text(res, 200, 'config reloaded\n') : text(res, 500, `config rejected, previous config still in use:\n${error}\n`);
  });
  app.all('/-/reload', (_req, res) => {
    res.set('allow', 'POST');
    text(res, 405, 'use POST\n');
  });
  app.get('/', (_req, res) => res.status(200).type('html').send(renderLanding(version, scheduler.nodes)));
  app.use((_req: Request, res: Response) => text(res, 404, 'not found\n'));
  return app;
}
