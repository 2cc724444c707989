import iconv from 'iconv-lite'

/** A payload charset: the name declared in Content-Type and the iconv-lite encoding behind it. */
export interface Charset {
  /** Name sent as `Content-Type: application/json;charset=<name>`. */
  readonly name: string
  /** iconv-lite encoding name. */
  readonly encoding: string
}

// Names .NET and the cmdlet accept that iconv-lite spells differently or not at all.
const Aliases: Record<string, { name: string; encoding: string }> = {
  utf8: { name: 'utf-8', encoding: 'utf8' },
  'utf-8': { name: 'utf-8', encoding: 'utf8' },
  ansi: { name: 'windows-1252', encoding: 'windows-1252' },
  ascii: { name: 'us-ascii', encoding: 'ascii' },
  'us-ascii': { name: 'us-ascii', encoding: 'ascii' },
  // .NET's "utf-16"/"unicode" are little-endian without a byte-order mark.
  'utf-16': { name: 'utf-16', encoding: 'utf-16le' },
  utf16: { name: 'utf-16', encoding: 'utf-16le' },
  unicode: { name: 'utf-16', encoding: 'utf-16le' },
  'utf-16le': { name: 'utf-16le', encoding: 'utf-16le' },
  'utf-16be': { name: 'utf-16be', encoding: 'utf-16be' },
  bigendianunicode: { name: 'utf-16be', encoding: 'utf-16be' },
  latin1: { name: 'iso-8859-1', encoding: 'iso-8859-1' },
  'iso-8859-1': { name: 'iso-8859-1', encoding: 'iso-8859-1' }
}

// A charset token as HTTP allows it; keeps CR/LF and ';' out of the header.
const CharsetToken = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}$/

/** Resolves a charset name as .NET and HTTP accept it; undefined when unknown. */
export function resolveCharset(label: string): Charset | undefined {
  const key = label.trim().toLowerCase()
  if (!CharsetToken.test(key)) return undefined
  const alias = Aliases[key]
  const encoding = alias?.encoding ?? key
  if (!iconv.encodingExists(encoding)) return undefined
  return { name: alias?.name ?? key, encoding }
}

/** The encoded text, or the first character the charset cannot hold (never a silent '?'). */
export function encodeText(
  text: string,
  charset: Charset
): { bytes: Buffer } | { unrepresentable: string } {
  const bytes = iconv.encode(text, charset.encoding)
  if (iconv.decode(bytes, charset.encoding, { stripBOM: false }) === text) return { bytes }
  for (const char of text) {
    const back = iconv.decode(iconv.encode(char, charset.encoding), charset.encoding, {
      stripBOM: false
    })
    if (back !== char) return { unrepresentable: char }
  }
  return { unrepresentable: text }
}
