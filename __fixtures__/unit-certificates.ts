/**
 * Client certificates for unit tests, generated once per test file (RSA key generation is slow):
 * a CA, a leaf certificate it issued, an unrelated self-signed certificate and an EC one.
 */
import { createHash, createPrivateKey } from 'node:crypto'
import { issueCertificate, type KeyAndCertificate } from '../sim/index.mjs'

/** Every certificate here is valid from NotBefore to NotAfter; tests pass `now` explicitly. */
export const NotBefore = new Date('2024-01-01T00:00:00Z')
export const NotAfter = new Date('2034-01-01T00:00:00Z')
/** A moment inside the validity period. */
export const ValidNow = new Date('2025-06-01T12:00:00Z')

export type { KeyAndCertificate }

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
  const validity = { notBefore: NotBefore, notAfter: NotAfter }
  const ca = await issueCertificate({ ...validity, commonName: 'Unit Test CA', authority: true })
  const [leaf, other, ec] = await Promise.all([
    issueCertificate({ ...validity, commonName: 'd365fo-action-client', issuer: ca }),
    issueCertificate({ ...validity, commonName: 'someone-else' }),
    issueCertificate({ ...validity, commonName: 'ec-client', keyType: 'ec' })
  ])
  return { ca, leaf, other, ec }
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
