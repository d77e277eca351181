import { describe, expect, it } from 'vitest';
import { ENDPOINTS, MEMBER_LIST } from '../../src/collect/endpoints.js';
import { SWITCHABLE_ENDPOINTS } from '../../src/config/schema.js';
import { readFileSync } from 'node:fs';

describe('the endpoint registry', () => {
  it('every endpoint but the up signal can be turned off in the config, by the name docs/metrics.md lists', () => {
    expect([...SWITCHABLE_ENDPOINTS].sort()).toEqual(
      ENDPOINTS.filter((e) => !e.upSignal)
        .map((e) => e.name)
        .sort(),
    );
    const metricsDoc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    for (const name of [...ENDPOINTS.map((e) => e.name), MEMBER_LIST.name])
      expect(metricsDoc, name).toContain(`\`${name}\``);
  });

  it('the member list is read under a name of its own: no endpoint has it, and it is not switched like one', () => {
    expect(ENDPOINTS.map((e) => e.name)).not.toContain(MEMBER_LIST.name);
    expect(SWITCHABLE_ENDPOINTS).not.toContain(MEMBER_LIST.name);
    expect(ENDPOINTS.filter((e) => e.memberNames !== undefined).map((e) => e.name)).toEqual(['cluster_status']);
  });
});
