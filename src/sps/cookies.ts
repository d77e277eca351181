/** The cookie SPS issues at login and expects on every later request. */
export const SESSION_COOKIE = 'session_id';

/**
 * What a response's Set-Cookie headers say about one cookie, read as RFC 6265 section 5.2 and 5.3
 * do: headers in order, the last one naming the cookie wins; an empty value, `Max-Age` of zero or
 * less, or an `Expires` in the past deletes it.
 * Returns undefined when no header names the cookie, null when the last one deletes it.
 */
export function cookieFrom(
  setCookie: string | readonly string[] | undefined,
  name: string,
  nowMs: number,
): string | null | undefined {
  let result: string | null | undefined;
  for (const header of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    result = value === '' || expired(attributes, nowMs) ? null : value;
  }
  return result;
}

/** The names of the cookies a response sets (never their values), for a message. */
export function cookieNames(setCookie: string | readonly string[] | undefined): string[] {
  const names: string[] = [];
  for (const header of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
    const pair = header.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq > 0) names.push(pair.slice(0, eq).trim().slice(0, 64));
  }
  return names;
}

function expired(attributes: readonly string[], nowMs: number): boolean {
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : attribute.slice(eq + 1).trim();
    // Max-Age takes precedence over Expires (RFC 6265 5.3 step 3).
    if (key === 'max-age' && /^-?\d+$/.test(value)) return Number(value) <= 0;
  }
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    if (eq < 0 || attribute.slice(0, eq).trim().toLowerCase() !== 'expires') continue;
    const at = Date.parse(attribute.slice(eq + 1).trim());
    if (!Number.isNaN(at) && at <= nowMs) return true;
  }
  return false;
}
