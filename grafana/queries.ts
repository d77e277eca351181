/** Every Prometheus expression in a dashboard's panels, with its panel's title. */
export function panelQueries(dashboard: { panels?: unknown[] }): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  for (const panel of (dashboard.panels ?? []) as { title?: string; targets?: { expr?: string }[] }[]) {
    for (const target of panel.targets ?? []) if (target.expr) out.push({ panel: panel.title ?? '', expr: target.expr });
  }
  return out;
}

/** An expression as Grafana would send it for one node and a one-minute rate window. */
export function substitute(expr: string, node: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('"$node"', `"${node}"`);
}
