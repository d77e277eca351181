/** Why a request to an SPS node failed; used as the `reason` label, so the set is closed. */
export const FAILURE_REASONS = ['auth', 'timeout', 'connect', 'tls', 'http', 'parse', 'too_large', 'no_data'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export class SpsError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SpsError';
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'EADDRNOTAVAIL', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (name === 'TimeoutError' || name === 'AbortError') codes.push('ABORT_ERR');
  }
  return codes;
}

/** Maps a transport error (undici, net, tls) to a failure reason and a message that carries no request data. */
export function classifyTransportError(error: unknown, path = '', limit = 0): SpsError {
  if (error instanceof SpsError) return error;
  const codes = codesOf(error);
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return new SpsError('too_large', `response to ${path} exceeds the ${limit} byte limit`);
  const code = codes[0] ?? 'unknown';
  if (codes.some((c) => TLS_CODES.has(c) || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_'))) {
    return new SpsError('tls', `TLS handshake failed (${codes.find((c) => TLS_CODES.has(c) || c.startsWith('ERR_')) ?? code})`);
  }
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return new SpsError('timeout', `timed out (${code})`);
  if (codes.some((c) => CONNECT_CODES.has(c))) return new SpsError('connect', `connection failed (${code})`);
  return new SpsError('connect', `request failed (${code})`);
}
