/** Every Prometheus expression in a dashboard's panels, with its panel's title. */
export function panelQueries(dashboard: { panels?: unknown[] }): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  for (const panel of (dashboard.panels ?? []) as { title?: string; targets?: { expr?: string }[] }[]) {
    for (const target of panel.targets ?? [])
      if (target.expr) out.push({ panel: panel.title ?? '', expr: target.expr });
  }
  return out;
}

/**
 * An expression as Grafana would send it for a one-minute rate window, with each `"$variable"`
 * replaced by its value in `values` (a regular expression or a name), `.*` (All) for the rest.
 */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replace(/"\$([a-z_]+)"/g, (_match, name: string) => `"${values[name] ?? '.*'}"`);
}
