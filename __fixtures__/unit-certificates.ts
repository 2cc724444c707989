/**
 * Client certificates for unit tests, generated once per test file (RSA key generation is slow):
 * a CA, a leaf certificate it issued, an unrelated self-signed certificate and an EC one.
 */
import { createHash, createPrivateKey } from 'node:crypto'
import selfsigned from 'selfsigned'

/** Every certificate here is valid from NotBefore to NotAfter; tests pass `now` explicitly. */
export const NotBefore = new Date('2024-01-01T00:00:00Z')
export const NotAfter = new Date('2034-01-01T00:00:00Z')
/** A moment inside the validity period. */
export const ValidNow = new Date('2025-06-01T12:00:00Z')

/** A private key (PKCS#8 PEM) and its certificate (PEM). */
export interface KeyAndCertificate {
  readonly key: string
  readonly cert: string
}

/** The generated material. */
export interface UnitCertificates {
  readonly ca: KeyAndCertificate
  /** Issued by `ca`. */
  readonly leaf: KeyAndCertificate
  /** Self-signed, with a key of its own. */
  readonly other: KeyAndCertificate
  /** Self-signed, with a P-256 key. */
  readonly ec: KeyAndCertificate
}

let generated: Promise<UnitCertificates> | undefined

/** The certificates, generated on first use. */
export function unitCertificates(): Promise<UnitCertificates> {
  generated ??= generate()
  return generated
}

async function generate(): Promise<UnitCertificates> {
  const validity = { notBeforeDate: NotBefore, notAfterDate: NotAfter, algorithm: 'sha256' }
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'Unit Test CA' }], {
    ...validity,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
    ]
  })
  const [leaf, other, ec] = await Promise.all([
    selfsigned.generate([{ name: 'commonName', value: 'd365fo-action-client' }], {
      ...validity,
      ca: { key: ca.private, cert: ca.cert }
    }),
    selfsigned.generate([{ name: 'commonName', value: 'someone-else' }], validity),
    selfsigned.generate([{ name: 'commonName', value: 'ec-client' }], {
      ...validity,
      keyType: 'ec'
    })
  ])
  const pair = (pems: { private: string; cert: string }): KeyAndCertificate => ({
    key: pems.private,
    cert: pems.cert
  })
  return { ca: pair(ca), leaf: pair(leaf), other: pair(other), ec: pair(ec) }
}

/** The key in PKCS#1 (`BEGIN RSA PRIVATE KEY`) form, optionally encrypted the OpenSSL way. */
export function asPkcs1(key: string, passphrase?: string): string {
  return createPrivateKey(key)
    .export({
      type: 'pkcs1',
      format: 'pem',
      ...(passphrase === undefined ? {} : { cipher: 'aes-256-cbc', passphrase })
    })
    .toString()
}

/** The key as encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`). */
export function asEncryptedPkcs8(key: string, passphrase: string): string {
  return createPrivateKey(key)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString()
}

/** SHA-256 of the certificate's DER bytes, lower-case hex. */
export function sha256OfDer(certPem: string): string {
  const base64 = certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
  return createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex')
}

/** The base64 lines of a PEM block, which must never appear in a message. */
export function keyMaterialLines(pem: string): string[] {
  return pem.split(/\r?\n/).filter(line => /^[A-Za-z0-9+/=]{16,}$/.test(line))
}
