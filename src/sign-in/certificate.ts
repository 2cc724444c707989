import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { describeMissingKey } from './certificate-format.js'
import type { ClientCertificate } from '../inputs/settings.js'

const CertificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g
const KeyBlock = /-----BEGIN (ENCRYPTED |RSA )?PRIVATE KEY-----[\s\S]+?-----END \1?PRIVATE KEY-----/

/** Why a client certificate PEM cannot be used; the text never quotes key material. */
export class CertificateProblem extends Error {}

/**
 * Reads one PEM text holding a private key (PKCS#8 or PKCS#1, optionally encrypted) and its
 * certificate (plus any chain), checks they belong together and are valid at `now`, and returns
 * what MSAL needs to sign a client assertion.
 */
export function parseClientCertificate(
  pem: string,
  password: string,
  now: Date
): ClientCertificate {
  const keyPem = KeyBlock.exec(pem)?.[0]
  if (!keyPem) throw new CertificateProblem(describeMissingKey(pem))
  const certificates = (pem.match(CertificateBlock) ?? []).map(readCertificate)
  if (certificates.length === 0)
    throw new CertificateProblem('holds no certificate (BEGIN CERTIFICATE block)')

  const key = readPrivateKey(keyPem, password)
  const leaf = certificates.find(certificate => certificate.checkPrivateKey(key))
  if (!leaf) throw new CertificateProblem('has a private key that matches none of its certificates')
  if (new Date(leaf.validTo) < now)
    throw new CertificateProblem(`certificate expired on ${new Date(leaf.validTo).toISOString()}`)
  if (new Date(leaf.validFrom) > now) {
    throw new CertificateProblem(
      `certificate is not valid before ${new Date(leaf.validFrom).toISOString()}`
    )
  }

  const chain = [leaf, ...certificates.filter(certificate => certificate !== leaf)]
  return {
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprintSha256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    chainPem: chain.map(certificate => certificate.toString().trim()).join('\n')
  }
}

function readCertificate(block: string): X509Certificate {
  try {
    return new X509Certificate(block)
  } catch {
    throw new CertificateProblem('holds a CERTIFICATE block that is not a valid X.509 certificate')
  }
}

function readPrivateKey(keyPem: string, password: string): KeyObject {
  const encrypted = keyPem.includes('ENCRYPTED') || /Proc-Type:\s*4,ENCRYPTED/.test(keyPem)
  if (encrypted && !password) {
    throw new CertificateProblem('has an encrypted private key: set client-certificate-password')
  }
  let key: KeyObject
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem', passphrase: password || undefined })
  } catch {
    throw new CertificateProblem(
      encrypted
        ? 'private key could not be decrypted: check client-certificate-password'
        : 'private key is not a valid PEM key'
    )
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CertificateProblem(
      `private key is ${key.asymmetricKeyType ?? 'unknown'}; Entra ID client assertions need an RSA key`
    )
  }
  return key
}
