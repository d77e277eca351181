import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetWithFiles } from './helpers/fleet-files.js';
import { parse, stringify } from 'yaml';
import { eventually, startExporter } from './helpers/process.js';
import { lines } from './helpers/targets.js';

/** Resolves once the exporter at `url` reports every node of the fleet up. */
const allNodesUp = (url: string) =>
  eventually(
    async () => {
      const up = lines(await (await fetch(`${url}/metrics`)).text(), 'sps_up').filter((l) => l.endsWith(' 1'));
      return up.length === files.fleet.nodes.length ? true : undefined;
    },
    20_000,
    'every node up',
  );

const files = fleetWithFiles('daemon', [{ name: 'alpha' }, { name: 'beta' }, { name: 'gamma' }]);

describe('running exporter', () => {
  it("reloads on SIGHUP: adds and removes nodes, keeps the others' sessions, refuses a bad config", async () => {
    const exporter = await startExporter(files.configFile);
    try {
      const metrics = async () => (await fetch(`${exporter.url}/metrics`)).text();
      await allNodesUp(exporter.url);
      const original = readFileSync(files.configFile, 'utf8');
      const doc = parse(original) as { targets: { name: string }[] };
      doc.targets = doc.targets.filter((t) => t.name !== 'gamma');
      writeFileSync(files.configFile, stringify(doc));
      exporter.child.kill('SIGHUP');
      await exporter.waitFor(/"removed":\["gamma"\].*"msg":"config reloaded"/, 10_000);
      expect(await metrics()).not.toContain('node="gamma"');

      writeFileSync(files.configFile, 'targets: [{ name: broken, url: "ftp://x" }]\n');
      exporter.child.kill('SIGHUP');
      await exporter.waitFor(/config reload rejected/, 10_000);
      const afterBad = await metrics();
      expect(afterBad).toContain('node="alpha"');
      expect(afterBad).toContain('sps_exporter_config_last_reload_successful 0');

      writeFileSync(files.configFile, original);
      const res = await fetch(`${exporter.url}/-/reload`, { method: 'POST' });
      expect(res.status).toBe(200);
      await eventually(
        async () =>
          lines(await metrics(), 'sps_up').some((l) => l.includes('gamma') && l.endsWith(' 1')) ? true : undefined,
        20_000,
        'gamma back',
      );
      expect(files.fleet.node('alpha')!.logins).toBe(1);
      expect(files.fleet.node('gamma')!.logins).toBe(2);
    } finally {
      await exporter.stop();
    }
  });

  it('refuses a reload naming /dev/zero, a FIFO or an alias as a password, keeps running, and never prints the password', async () => {
    const exporter = await startExporter(files.configFile);
    const original = readFileSync(files.configFile, 'utf8');
    const fifo = join(files.dir, 'password.fifo');
    spawnSync('mkfifo', [fifo]);
    try {
      const metrics = async () => (await fetch(`${exporter.url}/metrics`)).text();
      await allNodesUp(exporter.url);
      const doc = parse(original) as { defaults: Record<string, unknown> };
      for (const [settings, expected] of [
        [{ password_file: '/dev/zero', password: undefined }, 'cannot read /dev/zero (not a regular file)'],
        [{ password_file: fifo, password: undefined }, `cannot read ${fifo} (not a regular file)`],
      ] as const) {
        writeFileSync(files.configFile, stringify({ ...doc, defaults: { ...doc.defaults, ...settings } }));
        const res = await fetch(`${exporter.url}/-/reload`, { method: 'POST' });
        expect(res.status).toBe(500);
        expect(await res.text()).toContain(expected);
      }
      writeFileSync(files.configFile, original.replace(/password_file: .*/, 'password: *Xy9-S3cretPassw0rd'));
      const res = await fetch(`${exporter.url}/-/reload`, { method: 'POST' });
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).toContain('refers to no anchor');
      expect(body).not.toContain('S3cret');
      expect(lines(await metrics(), 'sps_up').filter((l) => l.endsWith(' 1'))).toHaveLength(3);
      expect(exporter.output()).not.toContain('S3cret');
      expect(exporter.child.exitCode).toBe(null);
    } finally {
      writeFileSync(files.configFile, original);
      await exporter.stop();
    }
  });

  it('coalesces a storm of reloads and answers /-/healthy meanwhile', async () => {
    const big = join(files.dir, 'big.yaml');
    const targets = Array.from({ length: 5000 }, (_, i) => ({ name: `n${i}`, url: `https://127.0.0.1:${1 + i}` }));
    writeFileSync(big, stringify({ defaults: { interval: '1h', username: 'u', password: 'p' }, targets }));
    const exporter = await startExporter(big);
    try {
      const healthy: number[] = [];
      let storming = true;
      const probe = (async () => {
        while (storming) {
          const started = performance.now();
          await (await fetch(`${exporter.url}/-/healthy`)).text();
          healthy.push(performance.now() - started);
        }
      })();
      // Ten connections open first, so that the ten POSTs arrive together, as from a deploy tool's loop.
      const { port } = new URL(exporter.url);
      const sockets = await Promise.all(
        Array.from(
          { length: 10 },
          () =>
            new Promise<Socket>((resolve) => {
              const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            }),
        ),
      );
      const statuses = await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<string>((resolve) => {
              let answer = '';
              socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
              socket.on('end', () => resolve(answer.split(' ')[1]!));
              socket.write('POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
            }),
        ),
      );
      storming = false;
      await probe;
      expect(statuses).toEqual(Array(10).fill('200'));
      // The log comes through a pipe, the answers through sockets: wait for the log to catch up.
      await exporter.waitFor(/"msg":"config reloaded"/, 10_000);
      // A negative check over a stated window: no third reload is logged in the 500 ms after the first.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(exporter.output().match(/"msg":"config reloaded"/g)?.length).toBeLessThanOrEqual(2);
      expect(healthy.length).toBeGreaterThanOrEqual(2); // answered between the reloads, not only after the storm
    } finally {
      await exporter.stop();
    }
  });

  it('exits 0 promptly on a SIGTERM sent the moment it says it listens', async () => {
    // Several at once: with the handlers installed after the "listening" line, about one start
    // in four died of the default action here, so eight starts all but always catch it.
    const runs = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const exporter = await startExporter(files.configFile);
        const started = Date.now();
        const code = await exporter.stop('SIGTERM');
        return { code, ms: Date.now() - started, output: exporter.output() };
      }),
    );
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.ms).toBeLessThan(6_000);
      expect(run.output).toContain('"msg":"shutting down"');
    }
  });
});
