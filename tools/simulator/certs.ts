import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

export interface CertOptions {
  commonName: string;
  /** DNS names and IP addresses the certificate is valid for. */
  hosts?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

function newKey(): { key: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  return { key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), keyPem: privateKey };
}

function build(
  options: CertOptions,
  publicKey: forge.pki.PublicKey,
  issuer: forge.pki.CertificateField[] | undefined,
  isCa: boolean,
) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ?? subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: isCa, critical: true }];
  if (isCa) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  else {
    extensions.push(
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
    );
    const altNames = (options.hosts ?? []).map((host) =>
      isIP(host) ? { type: 7, ip: host } : { type: 2, value: host },
    );
    if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  }
  cert.setExtensions(extensions);
  return cert;
}

/** A certificate authority for a test or demo fleet. */
export class TestCa {
  readonly certPem: string;
  /** The CA's own key: with certPem, a self-signed certificate a server can present. */
  readonly keyPem: string;
  readonly #cert: forge.pki.Certificate;
  readonly #key: forge.pki.rsa.PrivateKey;

  /** A new CA; or, with `saved`, the CA whose certificate and key were saved (see the simulator's --state-dir). */
  constructor(commonName = 'sps-exporter test CA', saved?: KeyPair) {
    if (saved) {
      this.#cert = forge.pki.certificateFromPem(saved.certPem);
      this.#key = forge.pki.privateKeyFromPem(saved.keyPem);
      this.certPem = saved.certPem;
      this.keyPem = saved.keyPem;
      return;
    }
    const { key, publicKey, keyPem } = newKey();
    this.keyPem = keyPem;
    this.#cert = build({ commonName }, publicKey, undefined, true);
    this.#cert.sign(key, forge.md.sha256.create());
    this.#key = key;
    this.certPem = forge.pki.certificateToPem(this.#cert);
  }

  /** A server certificate signed by this CA. */
  issue(options: CertOptions): KeyPair {
    const { publicKey, keyPem } = newKey();
    const cert = build(options, publicKey, this.#cert.subject.attributes, false);
    cert.sign(this.#key, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem };
  }
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];
