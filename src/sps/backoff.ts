export const LOGIN_BACKOFF_BASE_MS = 30_000;
export const LOGIN_BACKOFF_MAX_MS = 10 * 60_000;

/**
 * How long to wait before the next login after `failures` consecutive failed ones:
 * 30s, 1m, 2m, 4m, 8m, then 10m for good. Over 24 hours a wrong password thus costs
 * at most ~150 failed logins, spread out enough that SPS's brute-force lockout is not tripped.
 */
export function loginBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(LOGIN_BACKOFF_MAX_MS, LOGIN_BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
}
