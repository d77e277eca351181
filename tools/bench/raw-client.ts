#!/usr/bin/env node
/**
 * node build/tools/bench/raw-client.js --config.file=FILE
 * The floor the bench sets the exporter beside: a bare client polling the targets of FILE as the
 * exporter would, with nothing of the exporter in it. One node:tls keep-alive socket per node,
 * HTTP/1.1 written and read by hand, one login (basic auth, the session_id cookie), then every
 * interval the two GETs of a poll (/api/health_status, /api/indexer/dashboard) and a JSON.parse of
 * each; polls start on a 250 ms grid at evenly spread phases, as the exporter's do. Every second
 * it prints a JSON line with its running totals: polls, errors, logins, nodes answered.
 */
import { connect, type TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';
import { loadConfig, type TargetConfig } from '../../src/config/load.js';

const GRID_MS = 250;

interface Response {
  status: number;
  setCookie: string | undefined;
  body: string;
}

/** One keep-alive connection to one node, one request at a time. */
class RawConnection {
  readonly #target: TargetConfig;
  #socket: TLSSocket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: ((response: Response | Error) => void) | undefined;

  constructor(target: TargetConfig) {
    this.#target = target;
  }

  get(path: string, headers: string): Promise<Response> {
    const socket = this.#open();
    return new Promise((resolve, reject) => {
      this.#waiting = (result) => (result instanceof Error ? reject(result) : resolve(result));
      const { host } = new URL(this.#target.origin);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n${headers}\r\n`);
    });
  }

  #open(): TLSSocket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    const url = new URL(this.#target.origin);
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 443),
      ca: this.#target.tls.ca,
      servername: this.#target.tls.serverName ?? (/^[\d.]+$/.test(url.hostname) ? undefined : url.hostname),
      rejectUnauthorized: !this.#target.tls.insecureSkipVerify,
    });
    this.#buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    const fail = (error: Error) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    return (this.#socket = socket);
  }

  /** Gathers one response: headers, then a body of content-length bytes. */
  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.#buffer.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.#buffer.length < end + 4 + length) return;
    const response = {
      status: Number(head.slice(9, 12)),
      setCookie: /\r\nset-cookie: *([^\r]*)/i.exec(head)?.[1],
      body: this.#buffer.toString('utf8', end + 4, end + 4 + length),
    };
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(response);
  }
}

const { values } = parseArgs({ options: { 'config.file': { type: 'string', default: 'config.yaml' } } });
const { targets } = loadConfig(values['config.file']);
const totals = { polls: 0, errors: 0, logins: 0, answered: 0 };

class RawNode {
  readonly connection: RawConnection;
  cookie: string | undefined;
  busy = false;
  answered = false;
  constructor(readonly target: TargetConfig) {
    this.connection = new RawConnection(target);
  }

  async poll(): Promise<void> {
    this.busy = true;
    try {
      if (!this.cookie) {
        const basic = Buffer.from(`${this.target.username}:${this.target.password.reveal()}`).toString('base64');
        totals.logins++;
        const login = await this.connection.get('/api/authentication', `Authorization: Basic ${basic}\r\n`);
        this.cookie = /session_id=([^;]+)/.exec(login.setCookie ?? '')?.[1];
        if (login.status !== 200 || !this.cookie) throw new Error(`login: HTTP ${login.status}`);
      }
      for (const path of ['/api/health_status', '/api/indexer/dashboard']) {
        const response = await this.connection.get(path, `Cookie: session_id=${this.cookie}\r\n`);
        if (response.status === 401) this.cookie = undefined;
        if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
        JSON.parse(response.body);
      }
      totals.polls++;
      if (!this.answered) totals.answered++;
      this.answered = true;
    } catch {
      totals.errors++;
    } finally {
      this.busy = false;
    }
  }
}

const intervalMs = targets[0]?.intervalMs ?? 0;
if (targets.length === 0 || targets.some((target) => target.intervalMs !== intervalMs))
  throw new Error('raw-client: needs targets that share one interval');
const slotCount = Math.max(1, Math.round(intervalMs / GRID_MS));
const slots: RawNode[][] = Array.from({ length: slotCount }, () => []);
targets.forEach((target, i) => slots[Math.floor((i / targets.length) * slotCount)]!.push(new RawNode(target)));
let slot = 0;
setInterval(() => {
  for (const node of slots[slot]!) if (!node.busy) void node.poll();
  slot = (slot + 1) % slotCount;
}, GRID_MS);
setInterval(() => process.stdout.write(`${JSON.stringify(totals)}\n`), 1_000);
process.on('SIGTERM', () => process.exit(0));
