/** A payload charset: the name declared in Content-Type and the encoding behind it. */
export interface Charset {
  /** Name sent as `Content-Type: application/json;charset=<name>`. */
  readonly name: string
  /** iconv-lite encoding name ('utf8' is encoded with Buffer, without iconv-lite). */
  readonly encoding: string
}

/** Text to bytes and back in one encoding, never adding or stripping a byte-order mark. */
interface Codec {
  encode(text: string): Buffer
  decode(bytes: Buffer): string
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

// UTF-8, the default, goes through Buffer, byte for byte what iconv-lite's utf8 codec does.
// iconv-lite and its code tables (most of the bundle) are loaded only for another charset.
const Utf8 = 'utf8'
const Utf8Codec: Codec = {
  encode: text => Buffer.from(text, 'utf8'),
  decode: bytes => bytes.toString('utf8')
}

async function loadIconv(): Promise<typeof import('iconv-lite')> {
  return (await import('iconv-lite')).default
}

// A charset token as HTTP allows it; keeps CR/LF and ';' out of the header.
const CharsetToken = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}$/

/**
 * Resolves a charset name as .NET and HTTP accept it; undefined when unknown. Loads iconv-lite
 * for any name but UTF-8's.
 */
export async function resolveCharset(label: string): Promise<Charset | undefined> {
  const key = label.trim().toLowerCase()
  if (!CharsetToken.test(key) || NotCharsets.has(key)) return undefined
  const alias = Aliases[key]
  const encoding = alias?.encoding ?? key
  if (encoding !== Utf8 && !(await loadIconv()).encodingExists(encoding)) return undefined
  return { name: alias?.name ?? key, encoding }
}

async function codecFor(encoding: string): Promise<Codec> {
  if (encoding === Utf8) return Utf8Codec
  const iconv = await loadIconv()
  // No byte-order mark, as .NET's Encoding.GetBytes: iconv-lite's utf-32 would prepend one.
  return {
    encode: text => iconv.encode(text, encoding, { addBOM: false }),
    decode: bytes => iconv.decode(bytes, encoding, { stripBOM: false })
  }
}

/**
 * The encoded text, or the first character the charset cannot hold (never a silent '?').
 * Loads iconv-lite for any charset but UTF-8.
 */
export async function encodeText(
  text: string,
  charset: Charset
): Promise<{ bytes: Buffer } | { unrepresentable: string }> {
  const { encode, decode } = await codecFor(charset.encoding)
  const bytes = encode(text)
  if (decode(bytes) === text) return { bytes }
  for (const char of text) {
    if (decode(encode(char)) !== char) return { unrepresentable: char }
  }
  return { unrepresentable: text }
}

/** The bytes as text in `charset`, or undefined when they are not valid in it (decoding loses them). */
export async function decodeExactly(bytes: Buffer, charset: Charset): Promise<string | undefined> {
  const { encode, decode } = await codecFor(charset.encoding)
  const text = decode(bytes)
  return encode(text).equals(bytes) ? text : undefined
}
