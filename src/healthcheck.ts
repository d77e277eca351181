#!/usr/bin/env node
/**
 * Container health check: exits 0 if the exporter answers /-/healthy. Distroless-friendly (no curl).
 * Usage: node dist/healthcheck.js [URL]   (default http://127.0.0.1:9684/-/healthy, or $SPS_EXPORTER_HEALTH_URL)
 */
import { DEFAULT_PORT } from './cli.js';

const url = process.argv[2] ?? process.env.SPS_EXPORTER_HEALTH_URL ?? `http://127.0.0.1:${DEFAULT_PORT}/-/healthy`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
