import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'sps-config-'));
const passwordFile = join(dir, 'password');
writeFileSync(passwordFile, 'from-a-file\n');

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, 'test.yaml', { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('parseConfig', () => {
  it('applies defaults to every target and lets a target override them', () => {
    const config = parseConfig(
      `
concurrency: 8
defaults:
  interval: 15s
  username: monitor
  password_file: ${passwordFile}
  tls: { insecure_skip_verify: true }
  labels: { site: eu, tier: prod }
targets:
  - name: sps1
    url: https://sps1.example.com
  - name: sps2
    url: https://10.0.0.2:8443/
    interval: 1m
    timeout: 5s
    password: \${SPS_PASSWORD}
    tls: { server_name: sps2.example.com, insecure_skip_verify: false }
    labels: { tier: dr }
`,
      'test.yaml',
      { env: { SPS_PASSWORD: 'from-env' } },
    );
    expect(config.concurrency).toBe(8);
    const [a, b] = config.targets;
    expect(a).toMatchObject({
      name: 'sps1',
      origin: 'https://sps1.example.com',
      intervalMs: 15_000,
      timeoutMs: 10_000,
      username: 'monitor',
      labels: { site: 'eu', tier: 'prod' },
    });
    expect(a!.tls).toEqual({ ca: undefined, insecureSkipVerify: true, serverName: undefined });
    expect(a!.password.reveal()).toBe('from-a-file');
    expect(b).toMatchObject({
      origin: 'https://10.0.0.2:8443',
      intervalMs: 60_000,
      timeoutMs: 5_000,
      labels: { site: 'eu', tier: 'dr' },
    });
    expect(b!.tls).toEqual({ ca: undefined, insecureSkipVerify: false, serverName: 'sps2.example.com' });
    expect(b!.password.reveal()).toBe('from-env');
  });

  it('never shows a password when the config is logged, printed or serialized', () => {
    const config = parseConfig(
      `targets: [{ name: a, url: "https://a", username: u, password: "hunter2-secret" }]`,
      't',
      {},
    );
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.targets[0]!.password)]) {
      expect(text).not.toContain('hunter2-secret');
    }
    expect(config.targets[0]!.fingerprint).not.toContain('hunter2');
  });

  it('changes the fingerprint when the password changes', () => {
    const make = (password: string) =>
      parseConfig(`targets: [{ name: a, url: "https://a", username: u, password: "${password}" }]`, 't', {}).targets[0]!
        .fingerprint;
    expect(make('one')).not.toBe(make('two'));
    expect(make('one')).toBe(make('one'));
  });

  it('names the path of every problem, all at once', () => {
    const found = problems(`
defaults:
  username: u
  password: p
  interval: soon
targets:
  - name: ok
    url: https://ok.example.com
  - name: plain
    url: http://sps.example.com
  - name: ok
    url: https://dup.example.com
    colour: blue
  - url: https://nameless.example.com
  - name: withpath
    url: https://sps.example.com/api
    labels: { node: x, "bad-name": y }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        'defaults.interval: "soon" is not a duration (use e.g. 500ms, 30s, 5m)',
        'targets[1].url: must be an https URL',
        'targets[2]: unknown key "colour"',
        'targets[3].name: is required',
        'targets[4].url: must be the appliance origin only, such as https://sps1.example.com[:port]',
        "targets[4].labels.node: is used by the exporter's own series and cannot be set here",
        'targets[4].labels.bad-name: is not a valid Prometheus label name',
      ]),
    );
  });

  it('says a name that YAML read as a number must be quoted, and refuses the labels Prometheus and its Operator set on targets', () => {
    expect(problems('targets: [{ name: 4071, url: "https://a.example", username: u, password: p }]')).toEqual([
      'targets[0].name: must be a string (quote it: name: "4071")',
    ]);
    const target = problems(
      'targets: [{ name: a, url: "https://a.example", username: u, password: p, labels: { instance: v, job: j, namespace: n, pod: p, container: c, endpoint: e, service: s, site: ok } }]',
    );
    expect(target).toHaveLength(7);
    for (const name of ['instance', 'job', 'namespace', 'pod', 'container', 'endpoint', 'service']) {
      expect(target).toContain(
        `targets[0].labels.${name}: is a label Prometheus or the Prometheus Operator sets on the scrape target; pick another name (such as site or environment)`,
      );
    }
  });

  it("says every problem in its own words, never the validator's", () => {
    const found = problems(
      'defaults: { username: "", timeout: 5, tls: { ca_file: "" } }\ntargets:\n  - { name: a, url: "https://a.example", max_response_bytes: 10, session_min_requests: "x", series_limit_per_family: 2000000 }\n  - "just a string"\n',
    );
    expect(found).toEqual([
      'defaults.timeout: must be a duration such as 30s or 1m',
      'defaults.username: must not be empty',
      'defaults.tls.ca_file: must not be empty',
      'targets[0].max_response_bytes: must be at least 1024',
      'targets[0].session_min_requests: must be a number, not a string',
      'targets[0].series_limit_per_family: must be at most 1000000',
      'targets[1]: must be a mapping (key: value), not a string',
    ]);
    for (const problem of found) expect(problem).not.toMatch(/Invalid input|Too small|Too big|expected \w+, received/);
  });

  it('turns endpoints off in defaults and per target (a target may turn one back on), and names a switch it cannot take', () => {
    const config = parseConfig(
      'defaults: { username: u, password: "${P}", endpoints: { info: false, firmware_slots: false } }\ntargets:\n  - { name: a, url: "https://a.example" }\n  - { name: b, url: "https://b.example", endpoints: { info: true, cluster_status: false } }\n',
      't',
      { env: { P: 'p' } },
    );
    expect(config.targets.map((t) => t.disabledEndpoints)).toEqual([
      ['firmware_slots', 'info'],
      ['cluster_status', 'firmware_slots'],
    ]);
    expect(
      problems(
        'targets: [{ name: a, url: "https://a.example", username: u, password: p, endpoints: { health_status: false, cluster_nodes: false, cluster: false, info: "no" } }]',
      ),
    ).toEqual([
      'targets[0].endpoints.info: must be true or false',
      'targets[0].endpoints.health_status: is what sps_up reports, and cannot be turned off',
      'targets[0].endpoints.cluster_nodes: is read for discover: cluster; leave discover out to stop it',
      'targets[0].endpoints.cluster: is not an endpoint that can be turned off (one of indexer_dashboard, info, health_monitoring, disk_fillup_prevention, cluster_status, firmware_slots)',
    ]);
  });

  it('reports duplicate names', () => {
    expect(
      problems(
        `targets: [{ name: a, url: "https://a", username: u, password: p }, { name: a, url: "https://b", username: u, password: p }]`,
      ),
    ).toEqual(['targets[1].name: duplicate name "a" (also targets[0])']);
  });

  it('reports missing secrets, unset variables and unreadable files', () => {
    expect(
      problems(
        `
targets:
  - { name: a, url: "https://a" }
  - { name: b, url: "https://b", username: u, password: "\${NOT_SET}" }
  - { name: c, url: "https://c", username: u, password_file: /nonexistent/secret }
  - { name: d, url: "https://d", username: u, password: p, tls: { ca_file: /nonexistent/ca.pem } }
  - { name: e, url: "https://e", username: u, password: p, password_file: ${passwordFile} }
  - { name: f, url: "https://f", username: u, password: p, interval: 10s, timeout: 20s }
`,
      ),
    ).toEqual([
      'targets[0].password: is required (set password_file or password here or in defaults)',
      'targets[0].username: is required (here or in defaults)',
      'targets[1].password: environment variable NOT_SET is not set',
      'targets[2].password_file: cannot read /nonexistent/secret (ENOENT)',
      'targets[3].tls.ca_file: cannot read /nonexistent/ca.pem (ENOENT)',
      'targets[4].password: set password or password_file, not both',
      'targets[5].timeout: must not be longer than the interval',
    ]);
  });

  it("names every problem in one check: the schema's, duplicate names, and the files and variables of whatever parsed", () => {
    expect(
      problems(
        `
defaults: { username: u, password: "\${NOT_SET}", tls: { ca_file: /nonexistent/ca.pem } }
targets:
  - { name: a, url: "http://a" }
  - { name: a, url: "https://b" }
  - { name: c, url: "https://c", password_file: /nonexistent/secret }
`,
      ),
    ).toEqual([
      'targets[0].url: must be an https URL',
      'targets[1].name: duplicate name "a" (also targets[0])',
      'defaults.password: environment variable NOT_SET is not set',
      'defaults.tls.ca_file: cannot read /nonexistent/ca.pem (ENOENT)',
      'targets[2].password_file: cannot read /nonexistent/secret (ENOENT)',
    ]);
    // Defaults that do not parse: targets are not resolved against them (each would seem to lack a username).
    expect(
      problems(`defaults: { interval: soon }\ntargets: [{ name: a, url: "https://a" }, { name: a, url: "https://b" }]`),
    ).toEqual([
      'defaults.interval: "soon" is not a duration (use e.g. 500ms, 30s, 5m)',
      'targets[1].name: duplicate name "a" (also targets[0])',
    ]);
  });

  it('accepts discover: cluster on a target, labels it cluster=<its name>, and refuses a cluster label beside it', () => {
    const ok = parseConfig(
      `targets: [{ name: cm, url: "https://cm", username: u, password: p, discover: cluster, labels: { site: x } }]`,
      't',
      {},
    );
    expect(ok.targets[0]!.discover).toBe('cluster');
    expect(ok.targets[0]!.labels).toEqual({ site: 'x', cluster: 'cm' });
    expect(ok.targets[0]!.discoveryIntervalMs).toBe(300_000);
    expect(
      parseConfig(
        `targets: [{ name: cm, url: "https://cm", username: u, password: p, discover: cluster, discovery_interval: 1m }]`,
        't',
        {},
      ).targets[0]!.discoveryIntervalMs,
    ).toBe(60_000);
    expect(
      problems(
        `targets: [{ name: cm, url: "https://cm", username: u, password: p, discover: cluster, labels: { cluster: x } }]`,
      ),
    ).toEqual([
      'targets[0].labels.cluster: cannot be set on a target with discover: cluster (its series and its members\' carry cluster="cm")',
    ]);
    expect(
      problems(`targets: [{ name: cm, url: "https://cm", username: u, password: p, discover: everything }]`),
    ).toEqual(['targets[0].discover: must be "cluster"']);
    expect(
      problems(`targets: [{ name: cm, url: "https://cm", username: u, password: p, discovery_interval: 1m }]`),
    ).toEqual(['targets[0].discovery_interval: only applies to a target with discover: cluster']);
    expect(
      problems(
        `targets: [{ name: cm, url: "https://cm", username: u, password: p, discover: cluster, discovery_interval: 0s }]`,
      ),
    ).toEqual(['targets[0].discovery_interval: "0s" must be between 1000ms and 86400000ms']);
  });

  it('keeps $$ as a literal dollar', () => {
    const config = parseConfig(`targets: [{ name: a, url: "https://a", username: u, password: "pa$$word" }]`, 't', {});
    expect(config.targets[0]!.password.reveal()).toBe('pa$word');
  });

  it('reports YAML syntax errors by line, without echoing the text', () => {
    const found = problems('targets:\n  - name: a\n    password: "top-secret\n');
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(/YAML line \d+/);
    expect(found.join('\n')).not.toContain('top-secret');
  });

  it('rejects a document that is not a mapping with targets', () => {
    expect(problems('')).toEqual(['targets: is required']);
    expect(problems('targets: 5')).toEqual(['targets: must be a list of targets']);
  });

  it('loadConfig names a file it cannot read', () => {
    expect(() => loadConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read config file \(ENOENT\)/);
  });
});
