import { describe, expect, it } from 'vitest';
import type { SpsClient } from '../../src/sps/client.js';
import { fqdnsOf, MAX_CLUSTER_MEMBERS, readClusterMembers } from '../../src/sps/cluster.js';
import { SpsError } from '../../src/sps/errors.js';

/** A client answering from a table of paths (an SpsError for a path given one), recording what was asked. */
function clientAnswering(answers: Record<string, unknown>): { client: SpsClient; asked: string[] } {
  const asked: string[] = [];
  const getJson = (path: string) => {
    asked.push(path);
    const answer = answers[path];
    if (answer instanceof Error) return Promise.reject(answer);
    if (answer === undefined) return Promise.reject(new SpsError('http', `HTTP 404 on ${path}`, 404));
    return Promise.resolve(answer);
  };
  return { client: { getJson } as unknown as SpsClient, asked };
}

const member = (address: string, roles: string[] = []) => ({ body: { address, roles } });

describe('readClusterMembers', () => {
  it('reads each listed key once, in order, blank and repeated keys left out, names from the status', async () => {
    const { client, asked } = clientAnswering({
      '/api/cluster/nodes': { items: [{ key: 'k1' }, { key: '' }, { key: 'k2' }, { key: 'k1' }, {}] },
      '/api/cluster/status': {
        items: [
          { key: 'k1', fqdn: 'one.example' },
          { key: 'k9', fqdn: 'gone.example' },
        ],
      },
      '/api/cluster/nodes/k1': member('10.0.0.1', ['central-management']),
      '/api/cluster/nodes/k2': member('10.0.0.2'),
    });
    expect(await readClusterMembers(client)).toEqual([
      { key: 'k1', address: '10.0.0.1', roles: ['central-management'], fqdn: 'one.example' },
      { key: 'k2', address: '10.0.0.2', roles: [] },
    ]);
    expect(asked).toEqual([
      '/api/cluster/nodes',
      '/api/cluster/status',
      '/api/cluster/nodes/k1',
      '/api/cluster/nodes/k2',
    ]);
  });

  it('takes the names it is given instead of reading /api/cluster/status', async () => {
    const { client, asked } = clientAnswering({
      '/api/cluster/nodes': { items: [{ key: 'k1' }] },
      '/api/cluster/nodes/k1': member('10.0.0.1'),
    });
    const names = fqdnsOf({ items: [{ key: 'k1', fqdn: 'one.example' }, undefined] });
    expect(await readClusterMembers(client, names)).toEqual([
      { key: 'k1', address: '10.0.0.1', roles: [], fqdn: 'one.example' },
    ]);
    expect(asked).not.toContain('/api/cluster/status');
  });

  it('names members by address when the status is refused, but gives up when the node cannot be reached', async () => {
    const list = { '/api/cluster/nodes': { items: [{ key: 'k1' }] }, '/api/cluster/nodes/k1': member('10.0.0.1') };
    const refused = clientAnswering({ ...list, '/api/cluster/status': new SpsError('auth', 'HTTP 403', 403) });
    expect(await readClusterMembers(refused.client)).toEqual([{ key: 'k1', address: '10.0.0.1', roles: [] }]);
    const away = clientAnswering({ ...list, '/api/cluster/status': new SpsError('timeout', 'no answer') });
    await expect(readClusterMembers(away.client)).rejects.toThrow('no answer');
  });

  it('fails whole when a member cannot be read, so a half-read list never removes members', async () => {
    const { client } = clientAnswering({
      '/api/cluster/nodes': { items: [{ key: 'k1' }, { key: 'k2' }] },
      '/api/cluster/status': { items: [] },
      '/api/cluster/nodes/k1': member('10.0.0.1'),
      '/api/cluster/nodes/k2': { body: { roles: [] } },
    });
    await expect(readClusterMembers(client)).rejects.toBeInstanceOf(SpsError);
  });

  it(`reads ${MAX_CLUSTER_MEMBERS} members at most, and escapes a key in its path`, async () => {
    const keys = Array.from({ length: MAX_CLUSTER_MEMBERS + 5 }, (_, i) => `k/${i}`);
    const answers: Record<string, unknown> = {
      '/api/cluster/nodes': { items: keys.map((key) => ({ key })) },
      '/api/cluster/status': { items: [] },
    };
    for (const key of keys) answers[`/api/cluster/nodes/${encodeURIComponent(key)}`] = member('10.0.0.1');
    const { client, asked } = clientAnswering(answers);
    expect(await readClusterMembers(client)).toHaveLength(MAX_CLUSTER_MEMBERS);
    expect(asked).toContain('/api/cluster/nodes/k%2F0');
  });
});
