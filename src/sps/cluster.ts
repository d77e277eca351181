import type { SpsClient } from './client.js';
import { SpsError } from './errors.js';
import {
  ClusterNodeSchema,
  ClusterNodesSchema,
  ClusterStatusSchema,
  parseResponse,
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

/**
 * Every member a Central Management node lists: /api/cluster/nodes for the keys, each
 * /api/cluster/nodes/<key> for its address and roles, /api/cluster/status for the fqdns (optional:
 * without it, members are named by address). Throws if the list or any member cannot be read, so
 * that a half-read list never removes members.
 */
export async function readClusterMembers(client: SpsClient): Promise<ClusterMember[]> {
  const list = await read(client, '/api/cluster/nodes', ClusterNodesSchema);
  const keys = [...new Set(list.items.map((item) => item?.key).filter((key) => key !== undefined && key !== ''))].slice(
    0,
    MAX_CLUSTER_MEMBERS,
  ) as string[];
  const fqdns = new Map<string, string>();
  try {
    for (const item of (await read(client, '/api/cluster/status', ClusterStatusSchema)).items) {
      if (item?.key !== undefined && item.fqdn !== undefined) fqdns.set(item.key, item.fqdn);
    }
  } catch (error) {
    if (!(error instanceof SpsError) || error.reason === 'timeout' || error.reason === 'connect') throw error;
  }
  const members: ClusterMember[] = [];
  for (const key of keys) {
    const { body } = await read(client, `/api/cluster/nodes/${encodeURIComponent(key)}`, ClusterNodeSchema);
    const roles = (body.roles ?? []).filter((role) => role !== undefined);
    members.push({ key, address: body.address, roles, ...(fqdns.has(key) ? { fqdn: fqdns.get(key)! } : {}) });
  }
  return members;
}
