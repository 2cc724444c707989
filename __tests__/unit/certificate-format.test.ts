import { beforeAll, describe, expect, it } from '@jest/globals'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { pkcs12 } from '../../__fixtures__/pkcs12.js'
import {
  unitCertificates,
  ValidNow,
  type UnitCertificates
} from '../../__fixtures__/unit-certificates.js'
import { CertificateProblem, parseClientCertificate } from '../../src/sign-in/certificate.js'

// What people paste into client-certificate instead of PEM, and the command that makes the PEM.
let certs: UnitCertificates
let pfx: Buffer
beforeAll(async () => {
  certs = await unitCertificates()
  pfx = pkcs12(certs.leaf.key, certs.leaf.cert)
})

const FromPfx = 'openssl pkcs12 -in cert.pfx -nodes -out cert.pem'

/** Parsing `text` as client-certificate, which must fail. */
function parsing(text: string): () => unknown {
  return () => parseClientCertificate(text, '', ValidNow)
}

/** `base64` as the command prints it: 76 characters a line. */
function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n')
}

describe('a PFX/PKCS#12 file', () => {
  it('in base64: names it and gives the commands that make the PEM', () => {
    expect(parsing(base64Lines(pfx))).toThrow(
      new CertificateProblem(
        'is a PFX/PKCS#12 file in base64, not PEM text: decode it (base64 -d cert.pfx.b64 > cert.pfx), ' +
          `convert it (${FromPfx}; add -legacy for a PFX from older Windows), then store the text of cert.pem as 'client-certificate'`
      )
    )
  })

  it('as bytes read into a string: calls it binary and gives the command', () => {
    expect(parsing(pfx.toString('utf8'))).toThrow(
      new CertificateProblem(
        `holds binary data, not PEM text (a .pfx or .p12 file?): convert it with ${FromPfx} and store the text of cert.pem as 'client-certificate'`
      )
    )
  })

  it('never quotes what it was given', () => {
    const given = base64Lines(pfx)
    const compact = given.replace(/\s/g, '')
    const pieces = (compact.match(/.{12}/g) ?? []).map(piece => piece.replace(/[+/]/g, '\\$&'))
    expect(pieces.length).toBeGreaterThan(100)
    expect(parsing(given)).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(pieces.join('|')) })
    )
  })
})

describe('a certificate without its key', () => {
  it('as PEM: says the key is missing and how to put both in one PEM', () => {
    expect(parsing(certs.leaf.cert)).toThrow(
      'holds a certificate but no private key: give the private key and the certificate in one PEM text ' +
        `(from a PFX: ${FromPfx}; from two PEM files: cat key.pem cert.pem)`
    )
  })

  it('as base64 DER (a .cer file): says so', () => {
    const der = new X509Certificate(certs.leaf.cert).raw
    expect(parsing(base64Lines(der))).toThrow(
      /^is a certificate in base64 \(DER\) without its private key: .*openssl pkcs12 -in cert\.pfx -nodes -out cert\.pem/
    )
  })
})

describe('other texts', () => {
  it('base64 without PEM lines (a DER key) is named as such', () => {
    const der = createPrivateKey(certs.leaf.key).export({ type: 'pkcs8', format: 'der' })
    expect(parsing(der.toString('base64'))).toThrow(
      /^is base64 text without PEM's -----BEGIN\/-----END lines/
    )
  })

  it('an EC key in SEC1 PEM is named, with what Entra ID needs', () => {
    const sec1 = createPrivateKey(certs.ec.key).export({ type: 'sec1', format: 'pem' }).toString()
    expect(parsing(`${sec1}${certs.ec.cert}`)).toThrow(
      'has an EC PRIVATE KEY block; Entra ID client assertions need an RSA key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)'
    )
  })

  it('anything else holds no private key', () => {
    expect(parsing('not a certificate at all')).toThrow(
      'holds no private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY block)'
    )
  })
})
