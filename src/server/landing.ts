import type { TargetConfig } from '../config/types.js';
import type { NodePoller } from '../poller/node.js';
import type { SpsClient } from '../sps/client.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function when(ms: number | undefined): string {
  return ms === undefined ? 'never' : new Date(ms).toISOString();
}

/** What the page shows of a node's poller. */
export type LandingNode = Pick<NodePoller, 'name' | 'healthOk' | 'lastSuccessAt' | 'lastError'> & {
  readonly target: Pick<TargetConfig, 'origin' | 'discoveredBy'>;
  readonly client: Pick<SpsClient, 'loginBlockedForMs'>;
};

export interface LandingPage {
  version: string;
  nodes: readonly LandingNode[];
  /** Where the whole fleet's metrics are served (--web.telemetry-path). */
  telemetryPath: string;
}

/** The landing page: version, links, and one row per node. Every value from config or SPS is escaped. */
export function renderLanding({ version, nodes, telemetryPath }: LandingPage): string {
  const rows = nodes
    .map((node) => {
      const wait = node.client.loginBlockedForMs; // as of now, not as of the error
      const retry = wait > 0 ? `; next login attempt in ${Math.ceil(wait / 1000)}s` : '';
      const error = node.lastError
        ? `${node.lastError.reason} on ${node.lastError.endpoint}: ${node.lastError.message}${retry} (${when(node.lastError.at)})`
        : '';
      const probe = `probe?target=${encodeURIComponent(node.name)}`;
      const source = node.target.discoveredBy === undefined ? 'config' : `member of ${node.target.discoveredBy}`;
      return (
        `<tr><td><a href="${escapeHtml(probe)}">${escapeHtml(node.name)}</a></td><td>${escapeHtml(node.target.origin)}</td><td>${escapeHtml(source)}</td>` +
        `<td class="${node.healthOk ? 'up' : 'down'}">${node.healthOk ? 'up' : 'down'}</td><td>${when(node.lastSuccessAt)}</td><td>${escapeHtml(error)}</td></tr>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPS Exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.up{color:#070}.down{color:#b00}</style>
</head><body>
<h1>SPS Exporter</h1>
<p>Prometheus exporter for One Identity Safeguard for Privileged Sessions. Version ${escapeHtml(version)}.</p>
<ul><li><a href="${escapeHtml(telemetryPath.slice(1))}">Metrics</a> (all nodes, <code>${escapeHtml(telemetryPath)}</code>)</li><li>Per node: <code>probe?target=NAME</code></li><li><a href="-/healthy">Health</a></li><li><a href="-/ready">Readiness</a></li></ul>
<h2>Nodes (${nodes.length})</h2>
<table><thead><tr><th>Name</th><th>URL</th><th>From</th><th>Up</th><th>Last success</th><th>Last error</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
