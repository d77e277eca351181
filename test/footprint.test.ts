import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The files the exporter's module graph loads, from a fresh Node: its modules are imported (not
 * run) from the built dist, as main.js loads them. ES modules are seen by a resolve hook, CommonJS
 * files (required from inside packages, which the hook does not see) in the require cache.
 */
function loadedFiles(): string[] {
  const dist = new URL('../dist/', import.meta.url).href;
  const hook = `let port; export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }`;
  const script = `
    import { createRequire, register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const resolved = [];
    port1.on('message', (url) => resolved.push(new URL(url).pathname));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { port: port2 }, transferList: [port2] });
    for (const m of ['log.js', 'config/load.js', 'poller/scheduler.js', 'server/app.js', 'server/self-metrics.js', 'server/web-config.js']) await import(${JSON.stringify(dist)} + m);
    await new Promise((resolve) => setTimeout(resolve, 100));
    port1.close();
    console.log(JSON.stringify([...resolved, ...Object.keys(createRequire(import.meta.url).cache)]));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as string[]).map((file) => file.replace(/\\/g, '/'));
}

describe('module footprint', () => {
  // What a module graph loads stays in the heap for the exporter's lifetime: undici's index alone
  // is 3.3 MB the exporter never uses (fetch, WebSocket, EventSource, mock agents).
  it('loads undici and prom-client in part, never their indexes, and bcryptjs only with basic auth', () => {
    const files = loadedFiles();
    expect(files.some((file) => file.endsWith('/node_modules/undici/lib/dispatcher/client.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('/node_modules/prom-client/lib/registry.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('/dist/server/web-config.js'))).toBe(true);
    expect(files.filter((file) => /\/node_modules\/(undici|prom-client)\/index\.js$/.test(file))).toEqual([]);
    expect(files.filter((file) => file.includes('/node_modules/bcryptjs/'))).toEqual([]);
  });
});
