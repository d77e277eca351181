import { describe, expect, it } from 'vitest';
import { escapeHtml, renderLanding, type LandingNode } from '../../src/server/landing.js';

const node = (fields: Partial<LandingNode> = {}): LandingNode => ({
  name: 'sps1',
  target: { origin: 'https://sps1.example', discoveredBy: undefined },
  healthOk: true,
  lastSuccessAt: Date.UTC(2026, 11, 7, 12),
  lastError: undefined,
  client: { loginBlockedForMs: 0 },
  ...fields,
});
const page = (...nodes: LandingNode[]) => renderLanding({ version: '1.2.3', nodes, telemetryPath: '/metrics' });

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('renderLanding', () => {
  it('gives one row per node: a probe link, its URL, where it came from, its state and last success', () => {
    const html = page(
      node(),
      node({
        name: 'member-1',
        target: { origin: 'https://10.0.0.1', discoveredBy: 'cm' },
        healthOk: false,
        lastSuccessAt: undefined,
      }),
    );
    expect(html).toContain('Version 1.2.3');
    expect(html).toContain('<h2>Nodes (2)</h2>');
    expect(html).toContain(
      '<tr><td><a href="probe?target=sps1">sps1</a></td><td>https://sps1.example</td><td>config</td><td class="up">up</td><td>2026-12-07T12:00:00.000Z</td><td></td></tr>',
    );
    expect(html).toContain('<td>member of cm</td><td class="down">down</td><td>never</td>');
  });

  it("escapes what came from the config or a node: a node's error text is the node's to choose", () => {
    const html = page(
      node({
        name: 'a&b',
        lastError: { endpoint: 'health_status', reason: 'http', message: '<script>alert("x")</script>', at: 0 },
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<a href="probe?target=a%26b">a&amp;b</a>');
  });

  it('links the metrics at the path the exporter serves them, relative to the page', () => {
    expect(renderLanding({ version: '1', nodes: [], telemetryPath: '/sps/metrics' })).toContain(
      '<a href="sps/metrics">Metrics</a> (all nodes, <code>/sps/metrics</code>)',
    );
  });

  it('computes the wait before the next login when the page is served, not when the error happened', () => {
    let wait = 30_000;
    const locked = node({
      healthOk: false,
      lastError: {
        endpoint: 'health_status',
        reason: 'auth',
        message: 'login backing off after 1 failed attempt(s)',
        at: Date.now(),
      },
      client: {
        get loginBlockedForMs() {
          return wait;
        },
      },
    });
    expect(page(locked)).toContain('login backing off after 1 failed attempt(s); next login attempt in 30s');
    wait = 4_200;
    expect(page(locked)).toContain('; next login attempt in 5s');
    wait = 0;
    expect(page(locked)).not.toContain('next login attempt');
  });
});
