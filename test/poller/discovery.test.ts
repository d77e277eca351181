import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { planTargets } from '../../src/poller/discovery.js';
import type { ClusterMember } from '../../src/sps/cluster.js';

const config = parseConfig(
  `defaults: { username: u, password: p }
targets:
  - { name: cm1, url: "https://10.0.1.1", discover: cluster }
  - { name: cm2, url: "https://10.0.2.1", discover: cluster }
  - { name: listed, url: "https://10.0.1.3" }
  - { name: taken.example.com, url: "https://10.9.9.9" }
`,
  't',
  {},
);
const member = (key: string, address: string, fqdn?: string, roles: string[] = []): ClusterMember => ({
  key,
  address,
  roles,
  ...(fqdn ? { fqdn } : {}),
});

describe('planTargets', () => {
  it('adds each member once, after the configured targets, and never the Central Management node itself', () => {
    const members = new Map([
      [
        'cm1',
        [
          member('k0', '10.0.1.1', 'cm1.example.com', ['central-management']),
          member('k2', '10.0.1.2', 'm2.example.com'),
          member('k3', '10.0.1.3', 'm3.example.com'),
        ],
      ],
      ['cm2', [member('j1', '10.0.1.2', 'm2-again.example.com'), member('j2', '10.0.2.2')]],
    ]);
    const { targets, skipped } = planTargets(config.targets, members);
    expect(targets.map((t) => `${t.name} ${t.origin} ${t.labels.cluster ?? '-'}`)).toEqual([
      'cm1 https://10.0.1.1 cm1',
      'cm2 https://10.0.2.1 cm2',
      'listed https://10.0.1.3 -',
      'taken.example.com https://10.9.9.9 -',
      'm2.example.com https://10.0.1.2 cm1',
      '10.0.2.2 https://10.0.2.2 cm2',
    ]);
    expect(skipped).toEqual([
      'member "k3" of cm1: https://10.0.1.3 is polled already as listed',
      'member "j1" of cm2: https://10.0.1.2 is polled already as m2.example.com',
    ]);
  });

  it('skips a member whose name is taken or whose address is unusable, and ignores lists of targets that do not discover', () => {
    const members = new Map([
      ['cm1', [member('k1', '10.0.1.7', 'taken.example.com'), member('k2', 'evil.example/x')]],
      ['listed', [member('z', '10.0.3.3')]],
    ]);
    const { targets, skipped } = planTargets(config.targets, members);
    expect(targets).toHaveLength(4);
    expect(skipped).toEqual([
      'member "k1" of cm1: the name taken.example.com is taken by another target',
      'member "k2" of cm1: address "evil.example/x" is not a usable host (more than a host, or a loopback or unspecified address while the Central Management node is not on loopback)',
    ]);
  });
});
