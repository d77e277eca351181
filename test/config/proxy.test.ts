import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { excludedByNoProxy, parseNoProxy, readEnvironmentProxy } from '../../src/config/proxy.js';

const excluded = (origin: string, noProxy: string) => {
  const { entries, problems } = parseNoProxy(noProxy);
  expect(problems).toEqual([]);
  return excludedByNoProxy(origin, entries);
};

function problemsOf(defaults: object, env: NodeJS.ProcessEnv = {}, url = 'https://sps.example:443'): string[] {
  try {
    parseConfig(
      JSON.stringify({ defaults: { username: 'u', password: 'p', ...defaults }, targets: [{ name: 'a', url }] }),
      't',
      {
        env,
      },
    );
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
}

describe('no_proxy', () => {
  it('names match themselves and their subdomains; addresses and ranges match addresses; * matches all', () => {
    expect(excluded('https://sps1.lab.example', 'example.com,.lab.example')).toBe(true);
    expect(excluded('https://lab.example', '.lab.example')).toBe(true);
    expect(excluded('https://sps1.lab.example', '*.lab.example')).toBe(true);
    expect(excluded('https://sps1.example.org', 'example.com')).toBe(false);
    expect(excluded('https://notexample.com', 'example.com')).toBe(false);
    expect(excluded('https://10.20.0.15', '10.20.0.0/16')).toBe(true);
    expect(excluded('https://10.21.0.15', '10.20.0.0/16')).toBe(false);
    expect(excluded('https://anything', '*')).toBe(true);
    expect(excluded('https://SPS.Example.COM', 'sps.example.com')).toBe(true);
  });

  it('matches IPv6 literals with and without brackets, in any spelling, and IPv6 ranges', () => {
    for (const entry of ['::1', '[::1]', '0:0:0:0:0:0:0:1', '[::1]:443'])
      expect(excluded('https://[::1]', entry), entry).toBe(true);
    expect(excluded('https://[::1]:61443', '::1')).toBe(true);
    expect(excluded('https://[2001:db8::10]:8443', '2001:db8::10')).toBe(true);
    expect(excluded('https://[2001:db8::10]:8443', '2001:db8::/32')).toBe(true);
    expect(excluded('https://[2001:db9::10]:8443', '2001:db8::/32')).toBe(false);
    expect(excluded('https://[2001:db8::11]', '2001:db8::10')).toBe(false);
    expect(excluded('https://[::ffff:10.1.2.3]', '::ffff:10.1.2.3')).toBe(true);
    expect(excluded('https://10.1.2.3', '::ffff:10.1.2.3')).toBe(false); // another family: as Go's net/http
  });

  it('an entry with a port matches that port only (443 when the url names none)', () => {
    expect(excluded('https://10.1.2.3:443', '10.1.2.3:443')).toBe(true);
    expect(excluded('https://10.1.2.3', '10.1.2.3:443')).toBe(true);
    expect(excluded('https://10.1.2.3:8443', '10.1.2.3:443')).toBe(false);
    expect(excluded('https://sps.example:8443', 'sps.example:8443')).toBe(true);
    expect(excluded('https://sps.example', 'sps.example:8443')).toBe(false);
    expect(excluded('https://[::1]:8443', '[::1]:443')).toBe(false);
  });

  it('refuses what is not a host, address, range or *, naming the entry', () => {
    expect(
      parseNoProxy('127.0.0.1/33, 10.0.0.0/x, fd00::/129, [10.1.2.3], a b, host:99999, ok.example').problems,
    ).toEqual([
      '"127.0.0.1/33" is not a CIDR range such as 10.0.0.0/8 or fd00::/8',
      '"10.0.0.0/x" is not a CIDR range such as 10.0.0.0/8 or fd00::/8',
      '"fd00::/129" is not a CIDR range such as 10.0.0.0/8 or fd00::/8',
      '"[10.1.2.3]" is not an IPv6 address in brackets',
      '"a b" is not a host name, address, CIDR range or *',
      '"host:99999" has a port outside 1-65535',
    ]);
    expect(problemsOf({ proxy_url: 'http://proxy:3128', no_proxy: '127.0.0.1/33' })).toEqual([
      'defaults.no_proxy: "127.0.0.1/33" is not a CIDR range such as 10.0.0.0/8 or fd00::/8',
    ]);
    expect(
      problemsOf({ proxy_from_environment: true }, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '10.0.0.0/40' }),
    ).toEqual([
      'defaults.proxy_from_environment: NO_PROXY: "10.0.0.0/40" is not a CIDR range such as 10.0.0.0/8 or fd00::/8',
    ]);
  });
});

describe('proxies from the environment', () => {
  it('takes http:// (or a bare host:port, as Go does) and refuses schemes the exporter does not speak, never echoing the value', () => {
    expect(readEnvironmentProxy('http://proxy.example:3128')).toEqual({ url: 'http://proxy.example:3128' });
    expect(readEnvironmentProxy('proxy.example:3128')).toEqual({ url: 'http://proxy.example:3128' });
    expect(readEnvironmentProxy('socks5://proxy:1080')).toMatch(
      /uses socks5:\/\/, but only http:\/\/ proxies are supported/,
    );
    expect(readEnvironmentProxy('https://proxy:3128')).toMatch(/uses https:\/\//);
    const problems = problemsOf({ proxy_from_environment: true }, { HTTPS_PROXY: 'socks5://user:hunter2@proxy:1080' });
    expect(problems).toEqual([
      'defaults.proxy_from_environment: HTTPS_PROXY uses socks5://, but only http:// proxies are supported (HTTPS to the nodes is tunnelled through them with CONNECT)',
    ]);
    expect(problems.join()).not.toMatch(/hunter2/);
    expect(problemsOf({ proxy_from_environment: true }, { https_proxy: 'http://[bad' })).toEqual([
      'defaults.proxy_from_environment: https_proxy is not a URL',
    ]);
  });

  it('sends credentials in the URL as Proxy-Authorization, and refuses them beside a configured Proxy-Authorization', () => {
    const config = parseConfig(
      JSON.stringify({
        defaults: { username: 'u', password: 'p', proxy_from_environment: true },
        targets: [{ name: 'a', url: 'https://sps.example' }],
      }),
      't',
      {
        env: { HTTPS_PROXY: 'http://mon%40corp:p%3Ass@proxy.example:3128' },
      },
    );
    const proxy = config.targets[0]!.proxy!;
    expect(proxy.url).toBe('http://proxy.example:3128');
    expect(proxy.connectHeaders['Proxy-Authorization']!.reveal()).toBe(
      `Basic ${Buffer.from('mon@corp:p:ss').toString('base64')}`,
    );
    expect(
      problemsOf(
        { proxy_from_environment: true, proxy_connect_header: { 'proxy-authorization': 'Basic x' } },
        { HTTPS_PROXY: 'http://a:b@proxy:3128' },
      ),
    ).toEqual([
      'defaults.proxy_from_environment: HTTPS_PROXY has credentials and proxy_connect_header sets proxy-authorization: keep one',
    ]);
  });
});

describe('proxy_connect_header', () => {
  it('refuses a value with CR, LF or NUL, from ${VAR} or a literal, naming the header and never the value', () => {
    const env = { INJECT: 'Basic abc\r\nX-Injected: yes', NUL: 'Basic a\0b' };
    const problems = problemsOf(
      {
        proxy_url: 'http://proxy:3128',
        proxy_connect_header: { 'Proxy-Authorization': '${INJECT}', 'X-Other': '${NUL}' },
      },
      env,
    );
    expect(problems).toEqual([
      'defaults.proxy_connect_header.Proxy-Authorization: the value holds a line break or NUL, which would end the header (check the variable or file it comes from)',
      'defaults.proxy_connect_header.X-Other: the value holds a line break or NUL, which would end the header (check the variable or file it comes from)',
    ]);
    expect(problems.join()).not.toMatch(/Injected|abc/);
  });
});
