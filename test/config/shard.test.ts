import { describe, expect, it } from 'vitest';
import { autoShard, inShard, parseShard } from '../../src/config/shard.js';
import { parseCli } from '../../src/cli.js';
import { parseConfig } from '../../src/config/load.js';

describe('sharding', () => {
  it('parses INDEX/COUNT', () => {
    expect(parseShard('0/3')).toEqual({ index: 0, count: 3 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1/0', '-1/3', '1', 'a/b', '1/3/5']) expect(parseShard(bad), bad).toBeUndefined();
  });

  it("takes the index of auto/COUNT from the hostname's ordinal, as a StatefulSet names its pods, and says clearly when it cannot", () => {
    expect(autoShard('auto/3', 'sps-exporter-2')).toEqual({ index: 2, count: 3 });
    expect(autoShard('0/3', 'sps-exporter-2')).toBeUndefined();
    expect(() => autoShard('auto/3', 'sps-exporter')).toThrow('the hostname "sps-exporter" does not end in -ORDINAL');
    expect(() => autoShard('auto/3', 'sps-exporter-3')).toThrow('ordinal 3 is not below the count 3');
    // A minus sign is no ordinal's: "--1" is not ordinal 1.
    expect(() => autoShard('auto/3', 'sps-exporter--1')).toThrow(
      'the hostname "sps-exporter--1" does not end in -ORDINAL',
    );
    // An ordinal out of range is named as such, however long.
    expect(() => autoShard('auto/3', 'a-99999')).toThrow('ordinal 99999 is not below the count 3');
    expect(() => autoShard('auto/3', 'a-01')).toThrow('leading zero');
    expect(parseCli(['--shard=auto/3'], { HOSTNAME: 'sps-exporter-1' }).shard).toEqual({ index: 1, count: 3 });
    expect(parseCli(['--shard=1/3'], { HOSTNAME: 'no-ordinal' }).shard).toEqual({ index: 1, count: 3 });
    expect(() => parseCli(['--shard=auto/3'], { HOSTNAME: 'laptop' })).toThrow('does not end in -ORDINAL');
  });

  it('puts every target in exactly one of COUNT shards, spread evenly', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `sps-${i}.example.com`);
    const counts = [0, 0, 0];
    for (const name of names) {
      const owners = [0, 1, 2].filter((index) => inShard(name, { index, count: 3 }));
      expect(owners).toHaveLength(1);
      counts[owners[0]!]!++;
    }
    for (const count of counts) expect(count).toBeGreaterThan(900);
  });

  it('moves no existing target when one is added', () => {
    const names = Array.from({ length: 200 }, (_, i) => `node${i}`);
    const owner = (name: string) => [0, 1, 2, 3].find((index) => inShard(name, { index, count: 4 }));
    const before = new Map(names.map((n) => [n, owner(n)]));
    const after = new Map([...names, 'newcomer'].map((n) => [n, owner(n)]));
    for (const name of names) expect(after.get(name)).toBe(before.get(name));
  });

  it("filters the config's targets; the flag overrides the config", () => {
    const yaml = `shard: 1/2\ndefaults: { username: u, password: p }\ntargets:\n${Array.from({ length: 20 }, (_, i) => `  - { name: n${i}, url: "https://n${i}" }`).join('\n')}\n`;
    const fromFile = parseConfig(yaml, 't');
    expect(fromFile.shard).toEqual({ index: 1, count: 2 });
    expect(fromFile.targets.every((t) => inShard(t.name, { index: 1, count: 2 }))).toBe(true);
    const fromFlag = parseConfig(yaml, 't', { shard: { index: 0, count: 2 } });
    expect(fromFlag.targets.map((t) => t.name).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `n${i}`)
        .filter((n) => !fromFile.targets.some((t) => t.name === n))
        .sort(),
    );
    expect(() => parseConfig(yaml.replace('1/2', '2/2'), 't')).toThrow(/shard: "2\/2" is not INDEX\/COUNT/);
  });
});
