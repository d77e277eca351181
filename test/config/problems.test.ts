import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath } from '../../src/config/problems.js';

describe('formatPath', () => {
  it('writes a config path as an operator reads it in YAML', () => {
    expect(formatPath(['targets', 0, 'tls', 'ca_file'])).toBe('targets[0].tls.ca_file');
    expect(formatPath([0, 'name'])).toBe('[0].name');
    expect(formatPath(['defaults'])).toBe('defaults');
    expect(formatPath([])).toBe('(top level)');
  });
});

describe('ConfigError', () => {
  it('names the source and lists every problem, one per line', () => {
    const error = new ConfigError(
      ['targets[0].url: must be https', 'defaults.interval: must be a duration'],
      '/etc/x.yaml',
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'invalid config /etc/x.yaml:\n  targets[0].url: must be https\n  defaults.interval: must be a duration',
    );
  });
});
