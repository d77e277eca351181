import { describe, expect, it } from 'vitest';
import { createLogger, logfmtDestination } from '../src/log.js';

/** What a node can put into a log line through an error message: terminal controls of every kind. */
const HOSTILE = 'a\u009b31mRED\u0085next\u2028line\u2029para\u001b[2Jcleared\nnewline';

describe('log lines carry no character a terminal would act on', () => {
  it('JSON: C1 controls and U+2028/U+2029 as \\u escapes, which parse back to the same text', () => {
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }).warn(
      { err: HOSTILE },
      `poll failed ${HOSTILE}`,
    );
    expect(lines).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- the test looks for raw control characters in a log line
    expect(lines[0]).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u0080-\u009f\u2028\u2029]/);
    expect(lines[0]!.trimEnd()).not.toMatch(/\n/);
    const parsed = JSON.parse(lines[0]!) as { err: string; msg: string };
    expect(parsed.err).toBe(HOSTILE);
    expect(parsed.msg).toBe(`poll failed ${HOSTILE}`);
  });

  it('logfmt: the same, with such a value always quoted', () => {
    const lines: string[] = [];
    createLogger('info', logfmtDestination({ write: (line: string) => lines.push(line) })).warn(
      { err: HOSTILE, bare: 'x\u0085y' },
      'm',
    );
    expect(lines).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- the test looks for raw control characters in a log line
    expect(lines[0]).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u0080-\u009f\u2028\u2029]/);
    expect(lines[0]).toContain('bare="x\\u0085y"');
    expect(JSON.parse(/err=("(?:[^"\\]|\\.)*")/.exec(lines[0]!)![1]!)).toBe(HOSTILE);
  });
});
