import { X509Certificate } from 'node:crypto'

const FromPfx = 'openssl pkcs12 -in cert.pfx -nodes -out cert.pem'
const StoreIt = "store the text of cert.pem as 'client-certificate'"

/**
 * Why a `client-certificate` text without a usable PEM private key cannot be used, naming what
 * it looks like instead (a PFX/PKCS#12 file, a lone certificate, binary data) and the `openssl`
 * command that makes the PEM the input takes. Never quotes the text.
 */
export function describeMissingKey(text: string): string {
  const otherKey = /-----BEGIN (EC|DSA) PRIVATE KEY-----/.exec(text)?.[1]
  if (otherKey) {
    return `has an ${otherKey} PRIVATE KEY block; Entra ID client assertions need an RSA key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)`
  }
  if (text.includes('-----BEGIN CERTIFICATE-----') && !text.includes('PRIVATE KEY')) {
    return (
      'holds a certificate but no private key: give the private key and the certificate in one PEM text ' +
      `(from a PFX: ${FromPfx}; from two PEM files: cat key.pem cert.pem)`
    )
  }
  if (isBinary(text)) {
    return `holds binary data, not PEM text (a .pfx or .p12 file?): convert it with ${FromPfx} and ${StoreIt}`
  }
  const der = base64Der(text)
  if (der && isPkcs12(der)) {
    return (
      `is a PFX/PKCS#12 file in base64, not PEM text: decode it (base64 -d cert.pfx.b64 > cert.pfx), ` +
      `convert it (${FromPfx}; add -legacy for a PFX from older Windows), then ${StoreIt}`
    )
  }
  if (der && isCertificate(der)) {
    return `is a certificate in base64 (DER) without its private key: give the private key and the certificate in one PEM text (from a PFX: ${FromPfx})`
  }
  if (der) {
    return `is base64 text without PEM's -----BEGIN/-----END lines: give the private key and the certificate as PEM (from a PFX: ${FromPfx})`
  }
  return 'holds no private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY block)'
}

/** The bytes of a text that is base64 and nothing else (line breaks allowed); undefined otherwise. */
function base64Der(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '')
  if (compact.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined
  const bytes = Buffer.from(compact, 'base64')
  // DER starts with a SEQUENCE; anything else is some other base64.
  return bytes[0] === 0x30 ? bytes : undefined
}

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL } */
function isPkcs12(der: Buffer): boolean {
  const lengthByte = der[1] ?? 0
  const contentStart = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f)
  return (
    der[contentStart] === 0x02 && der[contentStart + 1] === 0x01 && der[contentStart + 2] === 0x03
  )
}

function isCertificate(der: Buffer): boolean {
  try {
    new X509Certificate(der)
    return true
  } catch {
    return false
  }
}

/** Control characters (other than tab and line breaks) or U+FFFD: bytes, not text. */
function isBinary(text: string): boolean {
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0
    if ((code < 0x20 && !'\t\n\r'.includes(character)) || code === 0xfffd) return true
  }
  return false
}
