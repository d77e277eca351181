import { constants as osConstants } from 'node:os';
import * as dns from 'node:dns';
/** Why a request to an SPS node failed; used as the `reason` label, so the set is closed. */
export const FAILURE_REASONS = [
  'auth',
  'timeout',
  'connect',
  'tls',
  'proxy',
  'http',
  'parse',
  'too_large',
  'no_data',
] as const;
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

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ABORT_ERR',
]);
/**
 * What fails below TLS: the system's errno names, the resolver's codes and undici's socket codes.
 * A connection error with any other code failed in the TLS layer: OpenSSL's certificate
 * verification results (CERT_SIGNATURE_FAILURE, UNABLE_TO_GET_ISSUER_CERT, ...) come as bare
 * codes, so any list of them would miss some; Node's own TLS errors are ERR_SSL_* and ERR_TLS_*.
 */
const BELOW_TLS = new Set<string>([
  ...Object.keys(osConstants.errno),
  ...(Object.values(dns) as unknown[]).filter(
    (value): value is string => typeof value === 'string' && /^E[A-Z]+$/.test(value),
  ),
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const isTlsCode = (code: string) =>
  /^ERR_(SSL|TLS|OSSL)_/.test(code) ||
  (/^[A-Z][A-Z0-9_]+$/.test(code) &&
    !BELOW_TLS.has(code) &&
    !code.startsWith('UND_ERR_') &&
    !code.startsWith('ERR_') &&
    !TIMEOUT_CODES.has(code));

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (name === 'TimeoutError' || name === 'AbortError') codes.push('ABORT_ERR');
    // undici's HTTP parser errors carry no code: bare LF, an invalid header character, a status line that is not HTTP.
    if (name === 'HTTPParserError') codes.push('HTTP_PARSER');
  }
  return codes;
}

/** What a request was: the node's origin, the path, and the response size cap. */
export interface RequestContext {
  origin: string;
  path: string;
  maxResponseBytes: number;
}

/** What to check for a TLS failure, by the code OpenSSL or Node gave. */
function tlsHint(code: string): string {
  if (
    /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED)$/.test(
      code,
    )
  ) {
    return "the node's certificate is not signed by a CA in tls.ca_file: set tls.ca_file to the CA that signed the appliance's web certificate";
  }
  if (code === 'INVALID_PURPOSE')
    return "the node presents a certificate not made for a TLS server (a CA certificate?): check the appliance's web certificate and tls.ca_file";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'the certificate does not name this host: use a name it holds in url, or set tls.server_name to one';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return "the node's certificate is outside its validity period: renew it on the appliance, or check this machine's clock";
  if (/^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST)$/.test(code))
    return 'the port does not speak TLS (plain HTTP?): check the port in url';
  return 'check tls.ca_file, tls.server_name and the port in url';
}

/** What to check for a connection that failed below TLS, by its errno or resolver code. */
function connectHint(code: string): string {
  if (code === 'ECONNREFUSED') return 'nothing listens there, or a firewall refuses: check the host and port in url';
  if (
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EAI_NONAME' ||
    code === 'EAI_FAIL' ||
    code === 'EAI_NODATA'
  )
    return "the host name does not resolve: check the host in url and this machine's DNS";
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return 'no route to the host: check the network and the host in url';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED' || code === 'EPIPE')
    return 'the connection was closed: a firewall, a proxy or the appliance cut it';
  return 'check the host and port in url, and the network between here and the node';
}

/** Maps a transport error (undici, net, tls) to a failure reason and a message that names what was tried and what to check, and carries no request data. */
export function classifyTransportError(error: unknown, { origin, path, maxResponseBytes }: RequestContext): SpsError {
  if (error instanceof SpsError) return error;
  const codes = codesOf(error);
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE'))
    return new SpsError(
      'too_large',
      `response to ${path} exceeds the ${maxResponseBytes} byte limit (max_response_bytes)`,
    );
  const code = codes[0] ?? 'unknown';
  if (codes.includes('ERR_SPS_PROXY')) return new SpsError('proxy', (error as Error).message);
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW'))
    return new SpsError('http', `the answer to ${path} has more header bytes than the 16 KiB an HTTP client accepts`);
  const badHttp = codes.find((c) => c === 'HTTP_PARSER' || BAD_HTTP_CODES.has(c));
  if (badHttp)
    return new SpsError(
      'http',
      `the answer to ${path} is not valid HTTP/1.1 (${badHttp === 'HTTP_PARSER' ? 'malformed status line or headers' : badHttp}): is something other than SPS answering on this port?`,
    );
  const host = new URL(origin).host;
  const tls = codes.find(isTlsCode);
  if (tls) return new SpsError('tls', `TLS handshake with ${host} failed (${tls}): ${tlsHint(tls)}`);
  if (codes.some((c) => TIMEOUT_CODES.has(c)))
    return new SpsError(
      'timeout',
      `no answer from ${host} in time (${code}): the appliance is slow or overloaded, or something drops the traffic; see timeout`,
    );
  return new SpsError('connect', `connection to ${host} failed (${code}): ${connectHint(code)}`);
}
