import { describe, expect, it } from 'vitest';
import { collectInfo } from '../../src/collect/info.js';
import { InfoSchema } from '../../src/sps/schemas.js';
import { fixture, fixtureText, valueOf } from '../helpers/fixtures.js';

describe('collectInfo', () => {
  it('maps the authenticated sample to sps_info and one sps_node_role per role', () => {
    const { samples } = collectInfo(InfoSchema.parse(fixture('info_authenticated.json')));
    expect(valueOf(samples, 'sps_info', { hostname: 'scbwriter', firmware_version: '5.7.0', version: '5 F7' })).toBe(1);
    expect(valueOf(samples, 'sps_node_role', { role: 'central-management' })).toBe(1);
    expect(valueOf(samples, 'sps_node_role', { role: 'search-master' })).toBe(1);
    expect(samples).toHaveLength(3);
  });

  it('keeps sps_info with empty labels for what an anonymous answer leaves out', () => {
    const { samples } = collectInfo(InfoSchema.parse(fixture('info_anonymous.json')));
    expect(valueOf(samples, 'sps_info', { hostname: 'scbwriter', firmware_version: '', version: '' })).toBe(1);
    expect(samples).toHaveLength(1);
  });

  it('the seed\'s own authenticated sample is not JSON (a missing comma): exactly what the client must survive', () => {
    expect(() => JSON.parse(fixtureText('info_authenticated.seed.txt'))).toThrow(SyntaxError);
  });

  it('rejects a response without a body', () => {
    expect(InfoSchema.safeParse({ key: 'about_info' }).success).toBe(false);
  });
});
