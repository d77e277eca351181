import { describe, expect, it } from 'vitest';
import { checkAll } from '../../src/config/checks.js';
import {
  checkConfig,
  checkTarget,
  duplicateNames,
  RESERVED_LABELS,
  TARGET_LABELS,
  TARGET_NAME,
} from '../../src/config/schema.js';

const target = (fields: Record<string, unknown> = {}) => ({
  name: 'sps1',
  url: 'https://sps1.example',
  username: 'u',
  password: 'p',
  ...fields,
});
const problemsOf = (fields: Record<string, unknown>) => checkAll(checkTarget, target(fields)).problems;

describe('the config schema', () => {
  it('reads a whole config, durations in milliseconds and the URL as its origin', () => {
    const { value, problems } = checkAll(checkConfig, {
      concurrency: 8,
      shard: '1/3',
      defaults: { interval: '30s', labels: { site: 'lab' } },
      targets: [target({ url: 'https://SPS1.example:443/', discover: 'cluster', discovery_interval: '5m' })],
    });
    expect(problems).toEqual([]);
    expect(value).toMatchObject({
      concurrency: 8,
      shard: { index: 1, count: 3 },
      defaults: { interval: 30_000, labels: { site: 'lab' } },
      targets: [{ url: 'https://sps1.example', discover: 'cluster', discovery_interval: 300_000 }],
    });
  });

  it('names every problem of a config in one run, each with its path', () => {
    expect(
      checkAll(checkConfig, {
        concurrency: 0,
        shard: '3/3',
        extra: 1,
        targets: [target({ interval: '10ms', url: 'http://sps1' }), target({ name: 'b', timeout: 'soon' })],
      }).problems,
    ).toEqual([
      'concurrency: must be at least 1',
      'shard: "3/3" is not INDEX/COUNT with 0 <= INDEX < COUNT',
      'targets[0].url: must be an https URL',
      'targets[0].interval: "10ms" must be between 1000ms and 3600000ms',
      'targets[1].timeout: "soon" is not a duration (use e.g. 500ms, 30s, 5m)',
      '(top level): unknown key "extra"',
    ]);
  });

  it('takes the appliance origin only: no credentials, path, query or fragment in the URL', () => {
    expect(problemsOf({ url: 'https://u:p@sps1.example' })).toEqual([
      'url: must not contain credentials (use username and password_file)',
    ]);
    for (const url of ['https://sps1.example/api', 'https://sps1.example/?a=1', 'https://sps1.example/#x'])
      expect(problemsOf({ url }), url).toEqual([
        'url: must be the appliance origin only, such as https://sps1.example.com[:port]',
      ]);
  });

  it("refuses label names Prometheus or the Operator set on the target, or the exporter's own series use", () => {
    for (const name of TARGET_LABELS)
      expect(problemsOf({ labels: { [name]: 'x' } })[0], name).toMatch(
        new RegExp(`^labels\\.${name}: is a label Prometheus or the Prometheus Operator sets on the scrape target`),
      );
    for (const name of RESERVED_LABELS)
      expect(problemsOf({ labels: { [name]: 'x' } }), name).toEqual([
        `labels.${name}: is used by the exporter's own series and cannot be set here`,
      ]);
    for (const name of ['__meta', '9x', 'a-b'])
      expect(problemsOf({ labels: { [name]: 'x' } }), name).toEqual([
        `labels.${name}: is not a valid Prometheus label name`,
      ]);
    expect(problemsOf({ labels: { site: 'lab', region: 'eu' } })).toEqual([]);
    expect([...TARGET_LABELS].filter((name) => RESERVED_LABELS.has(name))).toEqual([]);
  });

  it('takes only an http:// proxy without credentials, and header names as HTTP spells them', () => {
    expect(problemsOf({ proxy_url: 'http://proxy.example:3128' })).toEqual([]);
    expect(problemsOf({ proxy_url: 'socks5://proxy.example:1080' })[0]).toMatch(
      /^proxy_url: must be an http:\/\/ proxy URL/,
    );
    expect(problemsOf({ proxy_url: 'http://me:pw@proxy.example:3128' })[0]).toMatch(
      /^proxy_url: must not contain credentials/,
    );
    expect(problemsOf({ proxy_connect_header: { 'Bad Name': 'x', 'Proxy-Authorization': { file: 'auth' } } })).toEqual([
      'proxy_connect_header.Bad Name: must be an HTTP header name',
    ]);
  });

  it('switches endpoints by name, and says why health_status and cluster_nodes are not switched', () => {
    expect(problemsOf({ endpoints: { info: false, firmware_slots: true } })).toEqual([]);
    expect(problemsOf({ endpoints: { health_status: false, cluster_nodes: false, nope: 'no' } })).toEqual([
      'endpoints.nope: must be true or false',
      'endpoints.health_status: is what sps_up reports, and cannot be turned off',
      'endpoints.cluster_nodes: is read for discover: cluster; leave discover out to stop it',
      expect.stringMatching(/^endpoints\.nope: is not an endpoint that can be turned off \(one of indexer_dashboard, /),
    ]);
  });

  it('target names: 1-128 of letters, digits and . _ : -, starting with a letter or digit', () => {
    for (const name of ['sps1', 'sps-1.example.com', 'a:b_c', 'x'.repeat(128)])
      expect(TARGET_NAME.test(name), name).toBe(true);
    for (const name of ['', '-a', 'a b', 'a/b', 'x'.repeat(129), 'é']) expect(TARGET_NAME.test(name), name).toBe(false);
    expect(problemsOf({ name: 4071 })).toEqual(['name: must be a string (quote it: name: "4071")']);
  });
});

describe('duplicateNames', () => {
  it('names each repeated target name with where it was first given, whatever else is wrong', () => {
    expect(
      duplicateNames({ targets: [{ name: 'a' }, { name: 'b' }, 'junk', { name: 'a' }, { name: 'a', url: 1 }] }),
    ).toEqual([
      'targets[3].name: duplicate name "a" (also targets[0])',
      'targets[4].name: duplicate name "a" (also targets[0])',
    ]);
    expect(duplicateNames({ targets: 'none' })).toEqual([]);
    expect(duplicateNames(null)).toEqual([]);
  });
});
