import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';

describe('Secret', () => {
  const secret = new Secret('hunter2');

  it('gives its value only when asked by name', () => {
    expect(secret.reveal()).toBe('hunter2');
    expect(secret.equals(new Secret('hunter2'))).toBe(true);
    expect(secret.equals(new Secret('hunter3'))).toBe(false);
  });

  it('never shows its value in a string, JSON, inspect or a template, however deep in a config', () => {
    const config = { target: { username: 'mon', password: secret, headers: [secret] } };
    for (const shown of [
      String(secret),
      `${secret.toString()}`,
      JSON.stringify(config),
      inspect(config, { depth: 10, showHidden: true }),
    ])
      expect(shown).not.toContain('hunter2');
    expect(JSON.stringify(config)).toContain('<secret>');
  });
});
