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

// Node encodings that iconv-lite knows but that are no charset a server could read.
const NotCharsets = new Set(['base64', 'base64url', 'hex', 'binary'])

// UTF-8, the default, goes through Buffer, byte for byte what iconv-lite's utf8 codec does;
// asking iconv-lite about any encoding loads all its code tables, a few ms of every run.
const Utf8 = 'utf8'

// A charset token as HTTP allows it; keeps CR/LF and ';' out of the header.
const CharsetToken = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}$/

/** Resolves a charset name as .NET and HTTP accept it; undefined when unknown. */
export function resolveCharset(label: string): Charset | undefined {
  const key = label.trim().toLowerCase()
  if (!CharsetToken.test(key) || NotCharsets.has(key)) return undefined
  const alias = Aliases[key]
  const encoding = alias?.encoding ?? key
  if (encoding !== Utf8 && !iconv.encodingExists(encoding)) return undefined
  return { name: alias?.name ?? key, encoding }
}

function encode(text: string, encoding: string): Buffer {
  // No byte-order mark, as .NET's Encoding.GetBytes: iconv-lite's utf-32 would prepend one.
  return encoding === Utf8
    ? Buffer.from(text, 'utf8')
    : iconv.encode(text, encoding, { addBOM: false })
}

function decode(bytes: Buffer, encoding: string): string {
  return encoding === Utf8
    ? bytes.toString('utf8')
    : iconv.decode(bytes, encoding, { stripBOM: false })
}

/** The encoded text, or the first character the charset cannot hold (never a silent '?'). */
export function encodeText(
  text: string,
  charset: Charset
): { bytes: Buffer } | { unrepresentable: string } {
  const bytes = encode(text, charset.encoding)
  if (decode(bytes, charset.encoding) === text) return { bytes }
  for (const char of text) {
    if (decode(encode(char, charset.encoding), charset.encoding) !== char) {
      return { unrepresentable: char }
    }
  }
  return { unrepresentable: text }
}
