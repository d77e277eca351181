import { describe, expect, it } from 'vitest';
import { idleTimeoutMs } from '../../src/sps/connection.js';

describe('idleTimeoutMs', () => {
  it('keeps a connection past a skipped poll (two intervals), so a late poll needs no new handshake', () => {
    for (const interval of [1_000, 5_000, 30_000, 300_000])
      expect(idleTimeoutMs(interval)).toBeGreaterThan(2 * interval);
  });
});
