import type { SpsClient } from './client.js';
import { SpsError } from './errors.js';
import {
  ClusterNodeSchema,
  ClusterNodesSchema,
  ClusterStatusSchema,
  parseResponse,
  type ClusterStatus,
  type ResponseSchema,
} from './schemas.js';

export interface ClusterMember {
  key: string;
  address: string;
  roles: string[];
  fqdn?: string;
}

/** Members read from one Central Management node at most: each one is a request and a poller. */
export const MAX_CLUSTER_MEMBERS = 1000;

async function read<T>(client: SpsClient, path: string, schema: ResponseSchema<T>): Promise<T> {
  return parseResponse(schema, await client.getJson(path), path);
}

/** Fully qualified names by member key, from an /api/cluster/status answer. */
export function fqdnsOf(status: ClusterStatus): Map<string, string> {
  const fqdns = new Map<string, string>();
  for (const item of status.items)
    if (item?.key !== undefined && item.fqdn !== undefined) fqdns.set(item.key, item.fqdn);
  return fqdns;
}

/**
 * Every member a Central Management node lists: /api/cluster/nodes for the keys, then each
 * /api/cluster/nodes/<key> for its address and roles, one after the other (the node has one
 * connection, so the node's own polls wait for one member read at most). `fqdns` names the members
 * (from the /api/cluster/status answer the node's poll just read); without them /api/cluster/status
 * is read here, and if that fails for a reason other than the connection, members are named by
 * address. Throws if the list or any member cannot be read, so that a half-read list never removes
 * members.
 */
export async function readClusterMembers(
  client: SpsClient,
  fqdns?: ReadonlyMap<string, string>,
): Promise<ClusterMember[]> {
  const list = await read(client, '/api/cluster/nodes', ClusterNodesSchema);
  const keys = [...new Set(list.items.map((item) => item?.key).filter((key) => key !== undefined && key !== ''))].slice(
    0,
    MAX_CLUSTER_MEMBERS,
  ) as string[];
  const names = fqdns ?? (await readFqdns(client));
  const members: ClusterMember[] = [];
  for (const key of keys) {
    const { body } = await read(client, `/api/cluster/nodes/${encodeURIComponent(key)}`, ClusterNodeSchema);
    const roles = (body.roles ?? []).filter((role) => role !== undefined);
    const fqdn = names.get(key);
    members.push({ key, address: body.address, roles, ...(fqdn !== undefined ? { fqdn } : {}) });
  }
  return members;
}

async function readFqdns(client: SpsClient): Promise<ReadonlyMap<string, string>> {
  try {
    return fqdnsOf(await read(client, '/api/cluster/status', ClusterStatusSchema));
  } catch (error) {
    if (!(error instanceof SpsError) || error.reason === 'timeout' || error.reason === 'connect') throw error;
    return new Map();
  }
}
