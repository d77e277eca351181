import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { imageRuntime, scrape } from '../../tools/bench/stack.js';

// Larger than scrape's 1 MiB read buffer, with a line pattern so a lost or repeated read shows.
const body = Array.from({ length: 120_000 }, (_, i) => `sps_metric{node="sps-${i}"} ${i}\n`).join('');
const zipped = gzipSync(body);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/missing') return res.writeHead(404).end('not found\n');
    if (req.url === '/gzip') {
      if (req.headers['accept-encoding'] !== 'gzip') return res.writeHead(406).end();
      res.writeHead(200, { 'content-encoding': 'gzip' }); // no length: chunked, ended by the connection
      return res.end(zipped);
    }
    res.writeHead(200, { 'content-length': String(Buffer.byteLength(body)) });
    // Written in pieces, so the headers and the body arrive in reads of their own.
    const bytes = Buffer.from(body);
    res.write(bytes.subarray(0, 10));
    setTimeout(() => res.end(bytes.subarray(10)), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('bench scrape client', () => {
  it('returns the body byte for byte across reads into its reused buffer', async () => {
    const result = await scrape(`${base}/metrics`);
    expect(result.bytes).toBe(Buffer.byteLength(body));
    expect(result.text).toBe(body);
  });

  it('counts the body without decoding it when asked not to', async () => {
    const result = await scrape(`${base}/metrics`, false);
    expect(result.bytes).toBe(Buffer.byteLength(body));
    expect(result.text).toBe('');
    expect(result.ms).toBeGreaterThan(0);
  });

  it('asks for an encoding when told, and counts a body without a length to the end of the connection', async () => {
    const result = await scrape(`${base}/gzip`, false, 'gzip');
    expect(result.bytes).toBeGreaterThan(zipped.length); // with the chunked framing
    expect(result.bytes).toBeLessThan(zipped.length + 100);
    await expect(scrape(`${base}/gzip`, false)).rejects.toThrow(/406/);
  });

  it('rejects a status other than 200', async () => {
    await expect(scrape(`${base}/missing`)).rejects.toThrow(/404/);
  });
});

describe('imageRuntime', () => {
  it("is the production stage's node flags and ENV, so the bench runs the exporter as the image does", () => {
    const runtime = imageRuntime(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
    expect(runtime.nodeFlags).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=30']);
    expect(runtime.env).toEqual({ NODE_ENV: 'production' });
  });

  it('takes only the last stage', () => {
    const dockerfile = [
      'FROM node AS build',
      'ENV STAGE=build',
      'ENTRYPOINT ["node", "--build-flag", "x.js"]',
      'FROM node AS production',
      'ENV A=1',
      'ENTRYPOINT ["node", "--f", "dist/main.js"]',
    ].join('\n');
    expect(imageRuntime(dockerfile)).toEqual({ nodeFlags: ['--f'], env: { A: '1' } });
  });
});
