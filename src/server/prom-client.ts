import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

/**
 * prom-client's registry, gauge and default metrics alone: its index also loads the summary,
 * pushgateway and cluster aggregator, ~0.7 MB of heap the exporter never uses. prom-client 15.1
 * has no `exports` map, so these paths are reachable; the self-metrics tests fail if one moves.
 */
const load = createRequire(import.meta.url);

export const Registry = load('prom-client/lib/registry') as typeof PromClient.Registry;
export type Registry = PromClient.Registry;
export const Gauge = load('prom-client/lib/gauge') as typeof PromClient.Gauge;
export const collectDefaultMetrics = load('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics;
