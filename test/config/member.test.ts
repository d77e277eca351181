import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestCa } from '../../tools/simulator/certs.js';
import { parseConfig, type TargetConfig } from '../../src/config/load.js';
import { memberTarget } from '../../src/config/member.js';

const caFile = join(mkdtempSync(join(tmpdir(), 'sps-member-')), 'ca.pem');
writeFileSync(caFile, new TestCa().certPem);

function parent(url = 'https://cm.example.com:8443', extra = ''): TargetConfig {
  return parseConfig(
    `targets: [{ name: cm, url: "${url}", username: mon, password: s3cret, discover: cluster, interval: 15s, timeout: 5s, labels: { site: eu }, tls: { ca_file: ${caFile}, server_name: cm.example.com${extra} } }]`,
    't',
    {},
  ).targets[0]!;
}

describe('memberTarget', () => {
  it("puts the member at its address on the parent's port, named by its fqdn, with the parent's credentials, trust, timing and labels", () => {
    const cm = parent();
    const member = memberTarget(cm, { address: '10.0.0.2', fqdn: 'sps2.example.com' })!;
    expect(member).toMatchObject({
      name: 'sps2.example.com',
      origin: 'https://10.0.0.2:8443',
      username: 'mon',
      intervalMs: 15_000,
      timeoutMs: 5_000,
      labels: { site: 'eu', cluster: 'cm' },
      discover: undefined,
      discoveredBy: 'cm',
      tls: { ca: cm.tls.ca, insecureSkipVerify: false, serverName: 'sps2.example.com' },
    });
    expect(member.password.reveal()).toBe('s3cret');
    expect(String(member.password)).not.toContain('s3cret');
  });

  it('names a member by its address when the fqdn is missing or unusable, and checks its certificate against the address', () => {
    const cm = parent('https://cm.example.com');
    expect(memberTarget(cm, { address: '10.0.0.3' })).toMatchObject({
      name: '10.0.0.3',
      origin: 'https://10.0.0.3',
      tls: { serverName: undefined },
    });
    expect(memberTarget(cm, { address: '10.0.0.3', fqdn: 'bad name<script>' })).toMatchObject({
      name: '10.0.0.3',
      tls: { serverName: undefined },
    });
    expect(memberTarget(cm, { address: 'fd00::3' })).toMatchObject({ name: 'fd00::3', origin: 'https://[fd00::3]' });
    expect(memberTarget(cm, { address: 'SPS3.Example.com' })).toMatchObject({ origin: 'https://sps3.example.com' });
  });

  it("refuses an address that is more than a host, so the parent's credentials go nowhere else", () => {
    const cm = parent();
    for (const address of [
      '',
      'evil.example/path',
      'user:pw@evil.example',
      'evil.example:9999',
      'evil.example?x',
      'a b',
      'evil.example#x',
    ]) {
      expect(memberTarget(cm, { address, fqdn: 'x.example.com' }), address).toBeUndefined();
    }
  });

  it("has a fingerprint that follows the inherited settings and the password, not the parent's own name", () => {
    const a = memberTarget(parent(), { address: '10.0.0.2' })!;
    expect(memberTarget(parent(), { address: '10.0.0.2' })!.fingerprint).toBe(a.fingerprint);
    const otherPassword = parseConfig(
      `targets: [{ name: cm, url: "https://cm.example.com:8443", username: mon, password: other, discover: cluster, interval: 15s, timeout: 5s, labels: { site: eu }, tls: { ca_file: ${caFile}, server_name: cm.example.com } }]`,
      't',
      {},
    ).targets[0]!;
    expect(memberTarget(otherPassword, { address: '10.0.0.2' })!.fingerprint).not.toBe(a.fingerprint);
    expect(memberTarget(parent(), { address: '10.0.0.2', fqdn: 'sps2.example.com' })!.fingerprint).not.toBe(
      a.fingerprint,
    );
  });

  it('refuses loopback and unspecified addresses unless the Central Management node is on loopback itself', () => {
    const cm = parent();
    for (const address of [
      '0.0.0.0',
      '::',
      'localhost',
      'LOCALHOST',
      'sps.localhost',
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '::ffff:0.0.0.0',
      '0',
    ]) {
      expect(memberTarget(cm, { address, fqdn: 'x.example.com' }), address).toBeUndefined();
    }
    expect(memberTarget(cm, { address: '10.0.0.1', fqdn: 'x.example.com' })).toBeDefined();
    expect(memberTarget(cm, { address: '::ffff:10.0.0.1', fqdn: 'x.example.com' })).toBeDefined();
    const simulated = parent('https://127.0.0.1:61443');
    expect(memberTarget(simulated, { address: '127.0.0.2' })).toMatchObject({ origin: 'https://127.0.0.2:61443' });
  });

  it("decides its own proxy: no_proxy is matched against the member's host, not the parent's", () => {
    const proxied = (noProxy: string) =>
      parseConfig(
        `targets: [{ name: cm, url: "https://cm.example.com:8443", username: mon, password: s3cret, discover: cluster, proxy_url: "http://proxy.example:3128", no_proxy: "${noProxy}" }]`,
        't',
        {},
      ).targets[0]!;
    const cmDirect = proxied('cm.example.com,10.9.0.0/16');
    expect(cmDirect.proxy).toBeUndefined();
    expect(memberTarget(cmDirect, { address: '10.0.0.2' })!.proxy?.url).toBe('http://proxy.example:3128');
    expect(memberTarget(cmDirect, { address: '10.9.0.2' })!.proxy).toBeUndefined();
    const cmProxied = proxied('10.0.0.0/8');
    expect(cmProxied.proxy?.url).toBe('http://proxy.example:3128');
    expect(memberTarget(cmProxied, { address: '10.0.0.2' })!.proxy).toBeUndefined();
  });
});
