import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** The built script, as the image's HEALTHCHECK runs it. */
const HEALTHCHECK = fileURLToPath(new URL('../dist/healthcheck.js', import.meta.url));

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(answer: (res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => (req.url === '/-/healthy' ? answer(res) : res.writeHead(404).end()));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/-/healthy`;
}

function healthcheck(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number | null> {
  const child = spawn(process.execPath, [HEALTHCHECK, ...args], {
    env: { ...process.env, SPS_EXPORTER_HEALTH_URL: undefined, ...env },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('the container health check', () => {
  it('exits 0 when /-/healthy answers 200, and 1 for any other answer', async () => {
    expect(await healthcheck([await serve((res) => res.end('Healthy'))])).toBe(0);
    expect(await healthcheck([await serve((res) => res.writeHead(503).end())])).toBe(1);
  });

  it('takes its URL from SPS_EXPORTER_HEALTH_URL when none is given', async () => {
    const url = await serve((res) => res.end('Healthy'));
    expect(await healthcheck([], { SPS_EXPORTER_HEALTH_URL: url })).toBe(0);
  });

  it('exits 1 when nothing listens, and gives up on an exporter that never answers', async () => {
    const url = await serve((res) => res.writeHead(200).end());
    servers.pop()!.close();
    expect(await healthcheck([url])).toBe(1);
    const hanging = await serve(() => {}); // never answers: the script's own 3 s timeout ends it
    expect(await healthcheck([hanging])).toBe(1);
  }, 20_000);
});
