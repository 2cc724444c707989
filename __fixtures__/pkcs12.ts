/**
 * A PFX/PKCS#12 file as Windows or Azure Key Vault hands one out, built by hand from a key and
 * its certificate (Node can read PKCS#12 only inside TLS, and write it not at all). No password
 * and no MAC, which `openssl pkcs12 -in cert.pfx -nodes` reads all the same.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto'

/** The DER bytes of a PFX holding `keyPem` (a keyBag) and `certificatePem` (a certBag). */
export function pkcs12(keyPem: string, certificatePem: string): Buffer {
  const key = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' })
  const certificate = new X509Certificate(certificatePem).raw
  const safeContents = sequence(
    sequence(oid(KeyBag), explicit(key)),
    sequence(oid(CertBag), explicit(sequence(oid(X509Certificate_), explicit(octets(certificate)))))
  )
  const authenticatedSafe = sequence(sequence(oid(Data), explicit(octets(safeContents))))
  return sequence(integer(3), sequence(oid(Data), explicit(octets(authenticatedSafe))))
}

const Data = '1.2.840.113549.1.7.1'
const KeyBag = '1.2.840.113549.1.12.10.1.1'
const CertBag = '1.2.840.113549.1.12.10.1.3'
const X509Certificate_ = '1.2.840.113549.1.9.22.1'

function element(tag: number, content: Buffer): Buffer {
  const length = content.length
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content])
  const hex = length.toString(16)
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length]), bytes, content])
}

const sequence = (...items: Buffer[]): Buffer => element(0x30, Buffer.concat(items))
const explicit = (content: Buffer): Buffer => element(0xa0, content)
const octets = (content: Buffer): Buffer => element(0x04, content)
const integer = (value: number): Buffer => element(0x02, Buffer.from([value]))

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number)
  const bytes = [40 * first + second]
  for (const arc of rest) {
    const base128 = [arc & 0x7f]
    for (let value = arc >> 7; value > 0; value >>= 7) base128.unshift(0x80 | (value & 0x7f))
    bytes.push(...base128)
  }
  return element(0x06, Buffer.from(bytes))
}
