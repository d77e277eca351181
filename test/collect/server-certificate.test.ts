import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/collect/families.js';
import { collectServerCertificate } from '../../src/collect/server-certificate.js';

describe('collectServerCertificate', () => {
  it('gives the leaf and chain expiry in Unix seconds and one info series with the identifying facts', () => {
    const { samples, warnings } = collectServerCertificate({
      notAfterMs: Date.UTC(2027, 0, 1),
      chainNotAfterMs: Date.UTC(2026, 11, 31, 12),
      subject: 'CN=sps.example',
      issuer: 'CN=Example CA',
      serialNumber: '0A1B',
      sha256Fingerprint: 'AA:BB',
    });
    expect(warnings).toEqual([]);
    expect(samples).toEqual([
      { family: METRICS.serverCertificateExpiry, labels: undefined, value: Date.UTC(2027, 0, 1) / 1000 },
      { family: METRICS.serverCertificateChainExpiry, labels: undefined, value: Date.UTC(2026, 11, 31, 12) / 1000 },
      {
        family: METRICS.serverCertificateInfo,
        labels: {
          subject: 'CN=sps.example',
          issuer: 'CN=Example CA',
          serial_number: '0A1B',
          sha256_fingerprint: 'AA:BB',
        },
        value: 1,
      },
    ]);
  });

  it('leaves out an expiry it could not read (an unparsable date is NaN)', () => {
    const { samples } = collectServerCertificate({
      notAfterMs: Number.NaN,
      chainNotAfterMs: Number.NaN,
      subject: '',
      issuer: '',
      serialNumber: '',
      sha256Fingerprint: '',
    });
    expect(samples.map((s) => s.family)).toEqual([METRICS.serverCertificateInfo]);
  });
});
