export const LOGIN_BACKOFF_BASE_MS = 30_000;
export const LOGIN_BACKOFF_MAX_MS = 10 * 60_000;

/**
 * How long to wait before the next login after `failures` consecutive failed ones:
 * 30s, 1m, 2m, 4m, 8m, then 10m for good. Over 24 hours a wrong password thus costs
 * at most 148 failed logins, spread out enough that SPS's brute-force lockout is not tripped.
 */
export function loginBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(LOGIN_BACKOFF_MAX_MS, LOGIN_BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
}

/**
 * The wait a Retry-After header asks for (RFC 9110 10.2.3: seconds, or an HTTP date), in
 * milliseconds from `nowMs`; undefined when absent or unreadable. Capped at the backoff maximum:
 * a node may ask for a pause, not for the exporter to stop trying for good.
 */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!text) return undefined;
  // An HTTP date names its day and month ("Sun, 06 Nov 1994 08:49:37 GMT"): a bare "-5" or "1.5",
  // which Date.parse would take for a year, is no date.
  const ms = /^\d{1,10}$/.test(text)
    ? Number(text) * 1000
    : /[A-Za-z]{3}/.test(text)
      ? Date.parse(text) - nowMs
      : Number.NaN;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(LOGIN_BACKOFF_MAX_MS, Math.max(0, ms));
}
