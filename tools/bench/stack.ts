/** What the bench and the soak share: a simulator and an exporter in processes of their own, and /proc readings. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLK_TCK = 100;
const children: ChildProcess[] = [];
/** A script of this build: the exporter (main.js) from dist/, a tool (simulator/main.js, ...) from build/tools/. */
const dist = (file: string) =>
  fileURLToPath(new URL(file === 'main.js' ? '../../../dist/main.js' : `../${file}`, import.meta.url));

function command(script: string, args: string[], nodeFlags: readonly string[]): [string, string[]] {
  return [process.execPath, [...nodeFlags, isAbsolute(script) ? script : dist(script), ...args]];
}

/** How a process is run: node flags before the script, and variables added to the environment. */
export interface Runtime {
  nodeFlags: readonly string[];
  env: Readonly<Record<string, string>>;
}

const PLAIN: Runtime = { nodeFlags: [], env: {} };

/** The node flags of the production image's ENTRYPOINT and its ENV, so the exporter is measured as it ships. */
export function imageRuntime(dockerfile: string): Runtime {
  const production = dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')); // the last stage
  const entrypoint = JSON.parse(/^ENTRYPOINT (\["node", .*\])$/m.exec(production)![1]!) as string[];
  const env = Object.fromEntries([...production.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { nodeFlags: entrypoint.slice(1, -1), env };
}

/** Starts a script of this build (see dist) or another build's exporter (an absolute path); resolves once its output matches `ready`. */
export function start(
  script: string,
  args: string[],
  ready: RegExp,
  { nodeFlags, env }: Runtime = PLAIN,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const [file, argv] = command(script, args, nodeFlags);
  // A variable set where the bench runs wins over the image's, to try another value.
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...process.env } });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(ready);
      if (match) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, match });
      }
      if (out.length > 1_000_000) out = out.slice(-10_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out.slice(-2000)}`)));
  });
}

export function stopAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of children) child.kill(signal);
}

/** A simulator process holds a listener and a connection per node; this keeps each under the usual 20k open files. */
const NODES_PER_SIMULATOR = 8_000;

/**
 * Starts simulators for `nodes` nodes (several processes for a large fleet) and an exporter polling
 * all of them; resolves with the exporter's /metrics URL and pid.
 */
export async function startStack(
  dir: string,
  nodes: number,
  simulatorArgs: string[],
  interval: string,
): Promise<{ url: string; pid: number }> {
  return startExporter(await startSimulators(dir, nodes, simulatorArgs, interval));
}

/**
 * Starts an exporter on `config`, listening on a free loopback port: this build's (main.js) or
 * another build's (an absolute path, see start); resolves with its /metrics URL and pid.
 */
export async function startExporter(
  config: string,
  { script = 'main.js', runtime = PLAIN }: { script?: string; runtime?: Runtime } = {},
): Promise<{ url: string; pid: number }> {
  const { child, match } = await start(
    script,
    [`--config.file=${config}`, '--web.listen-address=127.0.0.1:0', '--log.level=info'],
    /"port":(\d+)/,
    runtime,
  );
  return { url: `http://127.0.0.1:${match[1]}/metrics`, pid: child.pid! };
}

/** Starts simulators for `nodes` nodes (several processes for a large fleet); resolves with the path of an exporter config polling all of them. */
export async function startSimulators(
  dir: string,
  nodes: number,
  simulatorArgs: string[],
  interval: string,
): Promise<string> {
  const count = Math.ceil(nodes / NODES_PER_SIMULATOR);
  const targets: unknown[] = [];
  let defaults: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const share = Math.floor(nodes / count) + (i < nodes % count ? 1 : 0);
    const simDir = join(dir, `simulator-${i}`);
    const prefix = count > 1 ? `sps-${i}-` : 'sps-';
    await start(
      'simulator/main.js',
      [
        ...simulatorArgs,
        '--nodes',
        String(share),
        '--name-prefix',
        prefix,
        '--port',
        '0',
        '--write-config',
        simDir,
        '--interval',
        interval,
      ],
      /simulator listening/,
    );
    const written = parse(readFileSync(join(simDir, 'exporter.yaml'), 'utf8')) as {
      defaults: Record<string, unknown>;
      targets: Record<string, unknown>[];
    };
    defaults = written.defaults;
    // Each simulator has its own CA.
    for (const target of written.targets) targets.push({ ...target, tls: { ca_file: join(simDir, 'ca.pem') } });
  }
  writeFileSync(join(dir, 'exporter.yaml'), stringify({ defaults, targets }));
  return join(dir, 'exporter.yaml');
}

/** What scrape reads into: one buffer for every read, so the client allocates nothing per chunk. */
const READ_BUFFER = Buffer.allocUnsafe(1 << 20);

/**
 * One GET of `url` over a plain socket, timed from connect to the last byte; the body is decoded
 * only when asked for, and never inflated (with `acceptEncoding`, `bytes` counts what was sent).
 * A raw socket rather than node:http, whose client-side parsing of a 12 MB body adds ~8 ms that a
 * Go Prometheus (or curl) does not spend, and reads into one reused 1 MiB buffer rather than a new
 * 64 KiB Buffer per read (a stream of them added ~6 ms more at 12.6 MB): the figure is the
 * exporter's latency, not this client's. Against the same exporter at the same
 * time it read 16.6 and 19.9 ms where curl read 17.9 and 17.2 (README, Benchmarks).
 */
export function scrape(
  url: string,
  decode = true,
  acceptEncoding?: string,
): Promise<{ ms: number; text: string; bytes: number }> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let received = 0;
    let head: Buffer | undefined;
    let expected = -1;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const body = head ? Buffer.concat(chunks) : Buffer.alloc(0);
      resolve({ ms: performance.now() - started, text: decode ? body.toString('utf8') : '', bytes: received });
    };
    const onChunk = (read: Buffer) => {
      let chunk = read;
      if (!head) {
        chunks.push(Buffer.from(chunk)); // the read buffer is reused
        const all = Buffer.concat(chunks);
        const end = all.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = all.subarray(0, end);
        const status = /^HTTP\/1\.1 (\d+)/.exec(head.toString('latin1'));
        if (status?.[1] !== '200') {
          done = true;
          socket.destroy();
          return reject(new Error(`GET ${url}: ${head.toString('latin1').split('\r\n')[0]}`));
        }
        expected = Number(/\r\ncontent-length: *(\d+)/i.exec(head.toString('latin1'))?.[1] ?? -1);
        chunks.length = 0;
        chunk = all.subarray(end + 4);
        if (decode) chunks.push(chunk);
      } else if (decode) chunks.push(Buffer.from(chunk));
      received += chunk.length;
      if (received === expected) finish();
    };
    const socket = connect({
      port: Number(port),
      host: hostname,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes) => {
          onChunk(READ_BUFFER.subarray(0, bytes));
          return true;
        },
      },
    });
    const encoding = acceptEncoding ? `accept-encoding: ${acceptEncoding}\r\n` : '';
    // connection: close, so a body without a length (gzipped, chunked) ends with the connection.
    socket.once('connect', () =>
      socket.write(`GET ${pathname}${search} HTTP/1.1\r\nhost: ${hostname}\r\n${encoding}connection: close\r\n\r\n`),
    );
    socket.on('end', finish);
    socket.on('error', (error) => {
      if (!done) reject(error);
    });
  });
}

/** The p-th percentile of an ascending list (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The sum of every sample of a metric in an exposition. */
export function sum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** User, system and total CPU seconds of a process. */
export function cpuSeconds(pid: number): { user: number; system: number; total: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const user = Number(fields[11]) / CLK_TCK;
  const system = Number(fields[12]) / CLK_TCK;
  return { user, system, total: user + system };
}

/** VmHWM (peak resident set) or VmRSS (now), in bytes. */
export function memoryBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** Open sockets of a process, from its file descriptors. */
export function openSockets(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every node reports sps_up 1. */
export async function waitAllUp(url: string, nodes: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { text } = await scrape(url);
    const up = sum(text, 'sps_up');
    if (up >= nodes) return;
    if (Date.now() > deadline) throw new Error(`only ${up} of ${nodes} nodes came up`);
    await sleep(2_000);
  }
}

/** Runs a bench-like script in a fresh temporary folder; always stops the processes it started. */
export function runScript(name: string, body: (dir: string) => Promise<void>): void {
  const dir = mkdtempSync(join(tmpdir(), `sps-${name}-`));
  body(dir)
    .catch((error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => {
      stopAll(process.exitCode ? 'SIGKILL' : 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    });
}
