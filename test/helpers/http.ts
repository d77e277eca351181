import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import type { Express } from 'express';

export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** promtool's one note on a valid exposition: the days to expiry are kept by name (see the README). */
export const DAYS_NOTE = 'sps_certificate_expiry_days use base unit "seconds" instead of "days"';

/** What `promtool check metrics` says about an exposition (its lint findings, one a line). */
export function promtoolCheckMetrics(body: string): string[] {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  if (result.error) throw result.error;
  return `${result.stdout}${result.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
