import type { SpsClient } from '../../src/sps/client.js';

/** A client's failed logins over every reason. */
export function failedLogins(client: SpsClient): number {
  let total = 0;
  for (const count of client.loginFailures.values()) total += count;
  return total;
}
