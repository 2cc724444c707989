import { beforeAll, describe, expect, it } from '@jest/globals'
import { createPrivateKey } from 'node:crypto'
import {
  asEncryptedPkcs8,
  asPkcs1,
  keyMaterialLines,
  NotAfter,
  NotBefore,
  sha256OfDer,
  unitCertificates,
  ValidNow,
  type UnitCertificates
} from '../../__fixtures__/unit-certificates.js'
import { CertificateProblem, parseClientCertificate } from '../../src/sign-in/certificate.js'

const Password = 'correct horse battery staple'

let certs: UnitCertificates

beforeAll(async () => {
  certs = await unitCertificates()
})

/** The DER of a private key, to compare keys whatever their PEM form. */
function keyDer(pem: string, passphrase?: string): Buffer {
  return createPrivateKey({ key: pem, passphrase }).export({ type: 'pkcs8', format: 'der' })
}

describe('parseClientCertificate', () => {
  it('reads a PKCS#8 key followed by its certificate', () => {
    const result = parseClientCertificate(`${certs.leaf.key}\n${certs.leaf.cert}`, '', ValidNow)
    expect(result.privateKey).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/
    )
    expect(keyDer(result.privateKey)).toEqual(keyDer(certs.leaf.key))
    expect(result.chainPem).toBe(certs.leaf.cert.trim())
  })

  it('gives the SHA-256 of the DER as the thumbprint: lower-case hex, no colons', () => {
    const result = parseClientCertificate(`${certs.leaf.key}\n${certs.leaf.cert}`, '', ValidNow)
    expect(result.thumbprintSha256).toBe(sha256OfDer(certs.leaf.cert))
    expect(result.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reads the certificate before the key, with Windows line endings', () => {
    const pem = `${certs.leaf.cert}\n${certs.leaf.key}`.replace(/\r?\n/g, '\r\n')
    const result = parseClientCertificate(pem, '', ValidNow)
    expect(keyDer(result.privateKey)).toEqual(keyDer(certs.leaf.key))
    expect(result.thumbprintSha256).toBe(sha256OfDer(certs.leaf.cert))
  })

  it('reads a PKCS#1 key and hands it on as PKCS#8', () => {
    const pkcs1 = asPkcs1(certs.leaf.key)
    expect(pkcs1).toContain('-----BEGIN RSA PRIVATE KEY-----')
    const result = parseClientCertificate(`${pkcs1}${certs.leaf.cert}`, '', ValidNow)
    expect(result.privateKey).toContain('-----BEGIN PRIVATE KEY-----')
    expect(keyDer(result.privateKey)).toEqual(keyDer(certs.leaf.key))
  })

  describe('an encrypted PKCS#8 key', () => {
    let pem: string
    beforeAll(() => {
      pem = `${asEncryptedPkcs8(certs.leaf.key, Password)}${certs.leaf.cert}`
    })

    it('is decrypted with the right password', () => {
      const result = parseClientCertificate(pem, Password, ValidNow)
      expect(result.privateKey).toContain('-----BEGIN PRIVATE KEY-----')
      expect(keyDer(result.privateKey)).toEqual(keyDer(certs.leaf.key))
    })

    it('is refused with a wrong password', () => {
      expect(() => parseClientCertificate(pem, 'wrong password', ValidNow)).toThrow(
        new CertificateProblem(
          'private key could not be decrypted: check client-certificate-password'
        )
      )
    })

    it('asks for client-certificate-password when it is missing', () => {
      expect(() => parseClientCertificate(pem, '', ValidNow)).toThrow(
        new CertificateProblem('has an encrypted private key: set client-certificate-password')
      )
    })
  })

  describe('an encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED)', () => {
    let pem: string
    beforeAll(() => {
      pem = `${asPkcs1(certs.leaf.key, Password)}${certs.leaf.cert}`
    })

    it('is decrypted with the right password', () => {
      expect(pem).toContain('Proc-Type: 4,ENCRYPTED')
      const result = parseClientCertificate(pem, Password, ValidNow)
      expect(keyDer(result.privateKey)).toEqual(keyDer(certs.leaf.key))
    })

    it('is refused with a wrong password', () => {
      expect(() => parseClientCertificate(pem, 'nope', ValidNow)).toThrow(
        'private key could not be decrypted: check client-certificate-password'
      )
    })

    it('asks for client-certificate-password when it is missing', () => {
      expect(() => parseClientCertificate(pem, '', ValidNow)).toThrow(
        'has an encrypted private key: set client-certificate-password'
      )
    })
  })

  it('refuses a key that belongs to none of the certificates', () => {
    expect(() =>
      parseClientCertificate(`${certs.leaf.key}${certs.other.cert}${certs.ca.cert}`, '', ValidNow)
    ).toThrow(new CertificateProblem('has a private key that matches none of its certificates'))
  })

  it('refuses an expired certificate, naming when it expired', () => {
    const afterExpiry = new Date(NotAfter.getTime() + 1_000)
    expect(() =>
      parseClientCertificate(`${certs.leaf.key}${certs.leaf.cert}`, '', afterExpiry)
    ).toThrow(new CertificateProblem('certificate expired on 2034-01-01T00:00:00.000Z'))
  })

  it('refuses a certificate that is not valid yet, naming from when it is', () => {
    const beforeStart = new Date(NotBefore.getTime() - 1_000)
    expect(() =>
      parseClientCertificate(`${certs.leaf.key}${certs.leaf.cert}`, '', beforeStart)
    ).toThrow(new CertificateProblem('certificate is not valid before 2024-01-01T00:00:00.000Z'))
  })

  it('accepts the first and last moments of the validity period', () => {
    const pem = `${certs.leaf.key}${certs.leaf.cert}`
    expect(parseClientCertificate(pem, '', NotBefore).thumbprintSha256).toHaveLength(64)
    expect(parseClientCertificate(pem, '', NotAfter).thumbprintSha256).toHaveLength(64)
  })

  it('puts the leaf first in the chain, whatever the order given', () => {
    const result = parseClientCertificate(
      `${certs.ca.cert}\n${certs.leaf.key}\n${certs.leaf.cert}`,
      '',
      ValidNow
    )
    expect(result.chainPem).toBe(`${certs.leaf.cert.trim()}\n${certs.ca.cert.trim()}`)
    expect(result.thumbprintSha256).toBe(sha256OfDer(certs.leaf.cert))
  })

  it('refuses a key that is not RSA', () => {
    expect(() => parseClientCertificate(`${certs.ec.key}${certs.ec.cert}`, '', ValidNow)).toThrow(
      new CertificateProblem('private key is ec; Entra ID client assertions need an RSA key')
    )
  })

  describe('malformed PEM', () => {
    it('needs a private key', () => {
      expect(() => parseClientCertificate(certs.leaf.cert, '', ValidNow)).toThrow(
        'holds a certificate but no private key'
      )
    })

    it('needs a certificate', () => {
      expect(() => parseClientCertificate(certs.leaf.key, '', ValidNow)).toThrow(
        'holds no certificate (BEGIN CERTIFICATE block)'
      )
    })

    it('refuses a certificate block that is not X.509', () => {
      const broken =
        '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n'
      expect(() => parseClientCertificate(`${certs.leaf.key}${broken}`, '', ValidNow)).toThrow(
        'holds a CERTIFICATE block that is not a valid X.509 certificate'
      )
    })

    it('refuses a key block that is not a key', () => {
      const broken =
        '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n'
      expect(() => parseClientCertificate(`${broken}${certs.leaf.cert}`, '', ValidNow)).toThrow(
        'private key is not a valid PEM key'
      )
    })

    it('refuses a key block whose end does not match its start', () => {
      const body = certs.leaf.key.replace(
        '-----END PRIVATE KEY-----',
        '-----END RSA PRIVATE KEY-----'
      )
      expect(() => parseClientCertificate(`${body}${certs.leaf.cert}`, '', ValidNow)).toThrow(
        'holds no private key'
      )
    })

    it('refuses text that is no PEM at all', () => {
      expect(() =>
        parseClientCertificate('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '', ValidNow)
      ).toThrow(CertificateProblem)
    })
  })

  it('never quotes key material or the password in a message', () => {
    const encrypted = asEncryptedPkcs8(certs.leaf.key, Password)
    const truncatedKey = certs.leaf.key.replace(/\n[A-Za-z0-9+/=]+\n-----END/, '\n-----END')
    const attempts: Array<[string, string, Date]> = [
      [`${encrypted}${certs.leaf.cert}`, 'wrong-password-123', ValidNow],
      [`${encrypted}${certs.leaf.cert}`, '', ValidNow],
      [`${certs.leaf.key}${certs.other.cert}`, '', ValidNow],
      [`${certs.leaf.key}${certs.leaf.cert}`, Password, new Date('2040-01-01T00:00:00Z')],
      [`${truncatedKey}${certs.leaf.cert}`, '', ValidNow],
      [certs.leaf.key, '', ValidNow]
    ]
    const secrets = [
      ...keyMaterialLines(certs.leaf.key),
      ...keyMaterialLines(encrypted),
      Password,
      'wrong-password-123'
    ]
    // No secret, and no run of base64 long enough to be a piece of a key.
    const leak = new RegExp(`${secrets.map(escapeRegExp).join('|')}|[A-Za-z0-9+/]{16,}`)
    for (const [pem, password, now] of attempts) {
      expect(() => parseClientCertificate(pem, password, now)).toThrow(
        expect.objectContaining({ message: expect.not.stringMatching(leak) })
      )
    }
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
