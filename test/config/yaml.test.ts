import { describe, expect, it } from 'vitest';
import { readYaml } from '../../src/config/yaml.js';

describe('readYaml', () => {
  it('reads a document as plain data, anchors and aliases resolved, an empty one as a mapping', () => {
    expect(readYaml('defaults: &d { username: u }\ntargets: [{ name: a, tls: *d }]\n')).toEqual({
      value: { defaults: { username: 'u' }, targets: [{ name: 'a', tls: { username: 'u' } }] },
      problems: [],
    });
    expect(readYaml('')).toEqual({ value: {}, problems: [] });
  });

  it('names a repeated key by line, never by its text', () => {
    const { value, problems } = readYaml('a: 1\npassword: hunter2\npassword: hunter3\n');
    expect(value).toBeUndefined();
    expect(problems).toEqual(['YAML line 3: a key is repeated in one mapping']);
  });

  it('names an alias to no anchor (an unquoted password starting with *) by line, with the hint, never its text', () => {
    const { problems } = readYaml('targets:\n  - password: *s3cret-value\n');
    expect(
      problems.some((p) => p.startsWith('YAML line 2: an alias (a value starting with *) refers to no anchor')),
    ).toBe(true);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses a document whose aliases expand without bound, naming only the kind of error', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      laughs.push(
        `${'bcdefghij'[i - 1]}: &${'bcdefghij'[i - 1]} [${Array(10)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(', ')}]`,
      );
    const { value, problems } = readYaml(`${laughs.join('\n')}\n`);
    expect(value).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^YAML: the document cannot be read \(\w+\)$/);
  });
});
