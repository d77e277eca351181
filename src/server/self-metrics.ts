import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { EVENT_LOOP_DELAY_METRICS, registerEventLoopDelay } from './event-loop-delay.js';

/** The exporter's own process metrics and build facts; per-node counters live with the nodes. */
export function createSelfRegistry(version: string): { registry: Registry; reloaded(ok: boolean): void } {
  const registry = new Registry();
  // The event-loop delay is sampled every 100 ms, not prom-client's 10 ms: each sample is a wake-up
  // of the loop, and 100 a second of them are a noticeable share of a large exporter's CPU. Its
  // statistics come from registerEventLoopDelay; prom-client's own histogram, whose gauges are
  // removed, samples once a minute so it costs nothing (it cannot be turned off alone).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 60_000 });
  for (const name of EVENT_LOOP_DELAY_METRICS) registry.removeSingleMetric(name);
  registerEventLoopDelay(registry);
  // prom-client names these gauges *_total, which the naming rules reserve for counters.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  new Gauge({
    name: 'sps_exporter_build_info',
    help: 'Version of the running exporter; always 1.',
    labelNames: ['version', 'nodejs_version'],
    registers: [registry],
  }).set({ version, nodejs_version: process.version }, 1);
  const lastReloadOk = new Gauge({
    name: 'sps_exporter_config_last_reload_successful',
    help: '1 if the last config (re)load succeeded.',
    registers: [registry],
  });
  const lastReloadAt = new Gauge({
    name: 'sps_exporter_config_last_reload_success_timestamp_seconds',
    help: 'When the config was last loaded successfully (Unix time).',
    registers: [registry],
  });
  return {
    registry,
    reloaded(ok: boolean) {
      lastReloadOk.set(ok ? 1 : 0);
      if (ok) lastReloadAt.set(Date.now() / 1000);
    },
  };
}
