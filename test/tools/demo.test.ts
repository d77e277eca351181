import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/process.js';

const DEMO = fileURLToPath(new URL('../../build/tools/demo.js', import.meta.url));

describe('npm run demo -- --port P', () => {
  it('opens only P (the exporter) and P+1 (the simulated cluster)', async () => {
    // Two neighbouring ports above the ephemeral range (which ends at 60999), so no OS-picked port of another test takes P+1.
    const port = 61_000 + 2 * Math.floor(Math.random() * 2000);
    const demo = run(process.execPath, [DEMO, '--port', String(port)]);
    try {
      await demo.waitFor(/"msg":"listening"/, 30_000);
      expect(demo.output()).toContain(`ports:        ${port} (the exporter) and ${port + 1} (the simulated cluster)`);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect(demo.output()).toContain(`(https://127.0.0.1:${port + 1})`);
    } finally {
      await demo.stop('SIGINT');
    }
  }, 60_000);

  it('refuses a port it cannot use, naming the flag', async () => {
    const demo = spawn(process.execPath, [DEMO, '--port', '65535'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    demo.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise((resolve) => demo.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('demo: --port must be a port number from 1 to 65534');
  });
});
