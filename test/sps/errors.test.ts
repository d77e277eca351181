import { describe, expect, it } from 'vitest';
import { classifyTransportError, SpsError } from '../../src/sps/errors.js';

const context = { origin: 'https://sps1.example.com:8443', path: '/api/health_status', maxResponseBytes: 1024 };
const coded = (code: string, name = 'Error') => Object.assign(new Error('x'), { code, name });

describe('classifyTransportError', () => {
  it('names what was tried and what to check, by what failed', () => {
    const cases: [unknown, string, RegExp][] = [
      [
        coded('ECONNREFUSED'),
        'connect',
        /^connection to sps1\.example\.com:8443 failed \(ECONNREFUSED\): nothing listens there/,
      ],
      [coded('ENOTFOUND'), 'connect', /the host name does not resolve/],
      [coded('EHOSTUNREACH'), 'connect', /no route to the host/],
      [
        coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
        'tls',
        /^TLS handshake with sps1\.example\.com:8443 failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): the node's certificate is not signed by a CA in tls\.ca_file/,
      ],
      [coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls', /set tls\.server_name/],
      [coded('CERT_HAS_EXPIRED'), 'tls', /outside its validity period/],
      [coded('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls', /does not speak TLS \(plain HTTP\?\)/],
      [coded('UND_ERR_HEADERS_TIMEOUT'), 'timeout', /^no answer from sps1\.example\.com:8443 in time/],
      [coded('UND_ERR_HEADERS_OVERFLOW'), 'http', /more header bytes than the 16 KiB/],
      [coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'http', /not valid HTTP\/1\.1/],
      [Object.assign(new Error('x'), { name: 'HTTPParserError' }), 'http', /malformed status line or headers/],
      [coded('UND_ERR_RES_EXCEEDED_MAX_SIZE'), 'too_large', /exceeds the 1024 byte limit \(max_response_bytes\)/],
    ];
    for (const [error, reason, message] of cases) {
      const classified = classifyTransportError(error, context);
      expect(classified.reason, String((error as { code?: string }).code)).toBe(reason);
      expect(classified.message).toMatch(message);
    }
  });

  it('passes an SpsError through as it is, and reads a code from the cause chain', () => {
    const own = new SpsError('auth', 'no');
    expect(classifyTransportError(own, context)).toBe(own);
    expect(
      classifyTransportError(Object.assign(new Error('fetch failed'), { cause: coded('ECONNRESET') }), context).message,
    ).toMatch(/\(ECONNRESET\): the connection was closed/);
  });
});
