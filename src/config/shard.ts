/** A stable 32-bit hash of a string: FNV-1a, then murmur3's finalizer so near-identical names spread out. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

export interface Shard {
  index: number;
  count: number;
}

/** Parses "INDEX/COUNT" (0 <= INDEX < COUNT), as in --shard=1/3 or `shard: 1/3`. */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index < count ? { index, count } : undefined;
}

/**
 * Parses "auto/COUNT": the index is the ordinal at the end of `hostname`, as a Kubernetes
 * StatefulSet names its pods (sps-exporter-0, sps-exporter-1, ...). Throws with a message naming
 * the problem when the hostname carries no ordinal, or one not below COUNT.
 */
export function autoShard(text: string, hostname: string): Shard | undefined {
  const match = /^auto\/(\d{1,4})$/.exec(text.trim());
  if (!match) return undefined;
  const count = Number(match[1]);
  // NAME-ORDINAL with NAME a DNS label, so it ends in a letter or digit: "sps-exporter--1" carries no ordinal.
  const ordinal = /[A-Za-z0-9]-(\d+)$/.exec(hostname)?.[1];
  if (count < 1) throw new Error(`--shard: "${text}" needs a COUNT of at least 1`);
  if (ordinal === undefined)
    throw new Error(
      `--shard=auto/${count}: the hostname "${hostname.slice(0, 64)}" does not end in -ORDINAL, as a StatefulSet's pods do (NAME-0, NAME-1, ...)`,
    );
  if (!/^(0|[1-9]\d*)$/.test(ordinal))
    throw new Error(
      `--shard=auto/${count}: the hostname's ordinal ${ordinal.slice(0, 12)} has a leading zero, which a StatefulSet never gives`,
    );
  if (Number(ordinal) >= count)
    throw new Error(
      `--shard=auto/${count}: the hostname's ordinal ${ordinal.slice(0, 12)} is not below the count ${count}: keep the StatefulSet's replicas and COUNT equal`,
    );
  return { index: Number(ordinal), count };
}

export function formatShard({ index, count }: Shard): string {
  return `${index}/${count}`;
}

/**
 * Whether a target belongs to this shard. It depends only on the target's name and the shard
 * count, so COUNT replicas cover every target exactly once and adding a target moves no other.
 */
export function inShard(name: string, shard: Shard | undefined): boolean {
  return shard === undefined || stableHash(name) % shard.count === shard.index;
}
