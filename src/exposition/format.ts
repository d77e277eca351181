import type { Family, Labels } from '../collect/families.js';

/** The Prometheus text exposition format, version 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value); // NaN prints as "NaN", as the format wants
}

/** `a="1",b="2"` for a label set, values escaped. */
export function formatLabels(labels: Labels): string {
  let out = '';
  for (const name in labels) out += `${out ? ',' : ''}${name}="${escapeLabelValue(labels[name]!)}"`;
  return out;
}

/** A family's `# HELP` and `# TYPE` lines. */
export function familyHeader(family: Family): string {
  return `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
}

/** The text of one sample's line before its value: `name{node labels,own labels} `. */
export function linePrefix(family: Family, nodeLabels: string, labels: Labels | undefined): string {
  const own = labels ? formatLabels(labels) : '';
  return `${family.name}{${nodeLabels}${own && nodeLabels ? ',' : ''}${own}} `;
}
