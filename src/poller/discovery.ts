import { memberTarget } from '../config/member.js';
import type { TargetConfig } from '../config/types.js';
import type { ClusterMember } from '../sps/cluster.js';

const CENTRAL_MANAGEMENT = 'central-management';

export interface TargetPlan {
  /** The configured targets, then every discovered member not polled already. */
  targets: TargetConfig[];
  /** Members left out and why (one line each, for the log). */
  skipped: string[];
}

/**
 * The targets to poll: configured ones as they are, plus the members each `discover: cluster`
 * target last listed. A member whose origin is polled already (configured, or listed by another
 * Central Management node) is polled once; the Central Management node itself is its own target.
 */
export function planTargets(
  configured: readonly TargetConfig[],
  members: ReadonlyMap<string, readonly ClusterMember[]>,
): TargetPlan {
  const targets = [...configured];
  const skipped: string[] = [];
  const byOrigin = new Map(configured.map((t) => [t.origin, t.name]));
  const names = new Set(configured.map((t) => t.name));
  for (const parent of configured) {
    if (parent.discover !== 'cluster') continue;
    for (const member of members.get(parent.name) ?? []) {
      if (member.roles.includes(CENTRAL_MANAGEMENT)) continue;
      const label = `member ${JSON.stringify(member.key.slice(0, 64))} of ${parent.name}`;
      const target = memberTarget(parent, member);
      if (!target) {
        skipped.push(
          `${label}: address ${JSON.stringify(member.address.slice(0, 64))} is not a usable host (more than a host, or a loopback or unspecified address while the Central Management node is not on loopback)`,
        );
        continue;
      }
      const polledAs = byOrigin.get(target.origin);
      if (polledAs !== undefined) {
        if (polledAs !== target.name) skipped.push(`${label}: ${target.origin} is polled already as ${polledAs}`);
        continue;
      }
      if (names.has(target.name)) {
        skipped.push(`${label}: the name ${target.name} is taken by another target`);
        continue;
      }
      byOrigin.set(target.origin, target.name);
      names.add(target.name);
      targets.push(target);
    }
  }
  return { targets, skipped };
}
