import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

describe('durations', () => {
  it('parses Prometheus durations, compound ones too, and refuses anything else', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    for (const bad of ['', '30', '1.5s', '-1s', '1 s', '30 s', '1w', 's'])
      expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('formats back in the largest whole unit', () => {
    expect([120_000, 30_000, 1_500].map(formatDuration)).toEqual(['2m', '30s', '1500ms']);
  });
});
