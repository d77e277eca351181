import { constants as osConstants } from 'node:os';
import * as dns from 'node:dns';
/** Why a request to an SPS node failed; used as the `reason` label, so the set is closed. */
export const FAILURE_REASONS = ['auth', 'timeout', 'connect', 'tls', 'proxy', 'http', 'parse', 'too_large', 'no_data'] as const;
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

/**
 * A login that did not yield a session, or one not tried because the node is backing off. It ends
 * the poll whatever its reason: every other endpoint would need the same session.
 */
export class LoginError extends SpsError {
  constructor(reason: FailureReason, message: string, status?: number) {
    super(reason, message, status);
    this.name = 'LoginError';
  }
}

/** Answers that reached the exporter but are not HTTP it can read: the connection worked, the answer did not. */
const BAD_HTTP_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR']);
/**
 * What fails below TLS: the system's errno names, the resolver's codes and undici's socket codes.
 * A connection error with any other code failed in the TLS layer: OpenSSL's certificate
 * verification results (CERT_SIGNATURE_FAILURE, UNABLE_TO_GET_ISSUER_CERT, ...) come as bare
 * codes, so any list of them would miss some; Node's own TLS errors are ERR_SSL_* and ERR_TLS_*.
 */
const BELOW_TLS = new Set<string>([
  ...Object.keys(osConstants.errno),
  ...(Object.values(dns) as unknown[]).filter((value): value is string => typeof value === 'string' && /^E[A-Z]+$/.test(value)),
  'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED',
]);
const isTlsCode = (code: string) => /^ERR_(SSL|TLS|OSSL)_/.test(code) || (/^[A-Z][A-Z0-9_]+$/.test(code) && !BELOW_TLS.has(code) && !code.startsWith('UND_ERR_') && !code.startsWith('ERR_') && !TIMEOUT_CODES.has(code));

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (name === 'TimeoutError' || name === 'AbortError') codes.push('ABORT_ERR');
    // undici's HTTP parser errors carry no code: bare LF, an invalid header character, a status line that is not HTTP.
    if (name === 'HTTPParserError') codes.push('HTTP_PARSER');
  }
  return codes;
}

/** Maps a transport error (undici, net, tls) to a failure reason and a message that carries no request data. */
export function classifyTransportError(error: unknown, path = '', limit = 0): SpsError {
  if (error instanceof SpsError) return error;
  const codes = codesOf(error);
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return new SpsError('too_large', `response to ${path} exceeds the ${limit} byte limit`);
  const code = codes[0] ?? 'unknown';
  if (codes.includes('ERR_SPS_PROXY')) return new SpsError('proxy', (error as Error).message);
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW')) return new SpsError('http', `the answer to ${path} has more header bytes than the 16 KiB an HTTP client accepts`);
  const badHttp = codes.find((c) => c === 'HTTP_PARSER' || BAD_HTTP_CODES.has(c));
  if (badHttp) return new SpsError('http', `the answer to ${path} is not valid HTTP/1.1 (${badHttp === 'HTTP_PARSER' ? 'malformed status line or headers' : badHttp}): is something other than SPS answering on this port?`);
  const tls = codes.find(isTlsCode);
  if (tls) return new SpsError('tls', `TLS handshake failed (${tls})`);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return new SpsError('timeout', `timed out (${code})`);
  return new SpsError('connect', `connection failed (${code})`);
}
