import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fleetWithFiles } from './helpers/fleet-files.js';
import { EXPORTER_MAIN, run } from './helpers/process.js';

const files = fleetWithFiles('main', [{ name: 'alpha' }]);

describe('the entry point', () => {
  it('exits 0 and says so on a SIGTERM while its modules are still loading; the signal is never lost', async () => {
    // A module hook holds the daemon's import for 3 s, as a cold, busy host can; it says when the
    // entry point asked for it, which is after its signal handlers went in. Where Node runs the hook
    // off the main thread (Node 20) the entry point's handler answers at once; where the main thread
    // waits for it (Node 22 and later) the signal is dispatched once loading is done, and the
    // daemon's own handler answers. Either way: exit 0, said, never the default action.
    const dir = mkdtempSync(join(tmpdir(), 'sps-slow-load-'));
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (specifier === './daemon.js') { writeSync(2, 'loading the daemon\\n'); await new Promise((r) => setTimeout(r, 3000)); }
  return next(specifier, context);
}`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);`,
    );
    const exporter = run(process.execPath, [
      '--import',
      pathToFileURL(join(dir, 'register.mjs')).href,
      EXPORTER_MAIN,
      `--config.file=${files.configFile}`,
      '--web.listen-address=127.0.0.1:0',
    ]);
    try {
      await exporter.waitFor(/loading the daemon/);
      const started = Date.now();
      expect(await exporter.stop('SIGTERM')).toBe(0);
      expect(Date.now() - started).toBeLessThan(9_000);
      expect(exporter.output()).toMatch(
        /sps-exporter: SIGTERM while starting, before anything was polled or served; exiting|"signal":"SIGTERM","msg":"shutting down"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
