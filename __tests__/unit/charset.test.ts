import { describe, expect, it } from '@jest/globals'
import { encodeText, resolveCharset, type Charset } from '../../src/common/charset.js'

async function encodeIn(label: string, text: string): ReturnType<typeof encodeText> {
  const charset = await resolveCharset(label)
  expect(charset).toBeDefined()
  return encodeText(text, charset as Charset)
}

/** The successful result of encodeText, from hex. */
function encoded(hex: string): { bytes: Buffer } {
  return { bytes: Buffer.from(hex, 'hex') }
}

describe('resolveCharset', () => {
  it.each([
    ['UTF-8', 'utf-8'],
    ['utf-8', 'utf-8'],
    ['UTF8', 'utf-8'],
    [' UTF-8 ', 'utf-8'],
    ['UTF-16', 'utf-16'],
    ['utf16', 'utf-16'],
    ['unicode', 'utf-16'],
    ['Unicode', 'utf-16'],
    ['UTF-16LE', 'utf-16le'],
    ['utf-16be', 'utf-16be'],
    ['BigEndianUnicode', 'utf-16be'],
    ['ASCII', 'us-ascii'],
    ['us-ascii', 'us-ascii'],
    ['ISO-8859-1', 'iso-8859-1'],
    ['latin1', 'iso-8859-1'],
    ['windows-1252', 'windows-1252'],
    ['Windows-1252', 'windows-1252'],
    ['ANSI', 'windows-1252'],
    ['ansi', 'windows-1252']
  ])('declares %j as charset=%s', async (label, name) => {
    expect((await resolveCharset(label))?.name).toBe(name)
  })

  it.each([
    'klingon',
    'utf-9',
    'x',
    '',
    ' ',
    'windows-9999',
    'constructor',
    '__proto__',
    'base64',
    'base64url',
    'hex',
    'binary'
  ])('does not know %j', async label => {
    expect(await resolveCharset(label)).toBeUndefined()
  })

  it.each([
    'utf-8\r\nX: y',
    'utf-8\nX-Injected: 1',
    'utf-8;x',
    'utf-8;boundary=x',
    'utf-8 x',
    'utf-8,utf-16',
    '"utf-8"',
    '-utf-8',
    'u'.repeat(41)
  ])('refuses %j, which could change the Content-Type header', async label => {
    expect(await resolveCharset(label)).toBeUndefined()
  })
})

describe('encodeText', () => {
  it('encodes UTF-8 without a byte-order mark', async () => {
    expect(await encodeIn('UTF-8', '{"a":"æ€😀"}')).toEqual({
      bytes: Buffer.from('{"a":"æ€😀"}', 'utf8')
    })
    expect(await encodeIn('UTF8', 'æ')).toEqual(encoded('c3a6'))
  })

  it.each(['UTF-16', 'unicode', 'utf16'])(
    'encodes %s as little-endian UTF-16 without a byte-order mark',
    async label => {
      expect(await encodeIn(label, '{a€')).toEqual(encoded('7b006100ac20'))
    }
  )

  it('encodes utf-16be as big-endian UTF-16', async () => {
    expect(await encodeIn('utf-16be', '{a€')).toEqual(encoded('007b006120ac'))
  })

  it.each(['UTF-32', 'utf32'])(
    'encodes %s as little-endian UTF-32 without a byte-order mark, as .NET does',
    async label => {
      expect(await encodeIn(label, '{€')).toEqual(encoded('7b000000ac200000'))
      expect(await encodeIn(label, '')).toEqual({ bytes: Buffer.alloc(0) })
    }
  )

  it('keeps a surrogate pair in UTF-16', async () => {
    expect(await encodeIn('UTF-16', '😀')).toEqual(encoded('3dd800de'))
  })

  it.each([
    ['windows-1252', 'æøå€', 'e6f8e580'],
    ['ANSI', 'æøå', 'e6f8e5'],
    ['ISO-8859-1', 'æøå', 'e6f8e5'],
    ['latin1', 'ÿ', 'ff'],
    ['ASCII', '{"a":1}', '7b2261223a317d']
  ])('encodes in %s exactly: %j → %s', async (label, text, bytes) => {
    expect(await encodeIn(label, text)).toEqual(encoded(bytes))
  })

  it('encodes the empty text as no bytes', async () => {
    expect(await encodeIn('UTF-16', '')).toEqual({ bytes: Buffer.alloc(0) })
  })

  it.each([
    ['ASCII', '{"a":"€"}', '€'],
    ['ASCII', 'æ', 'æ'],
    ['ISO-8859-1', 'price: 5 €', '€'],
    ['windows-1252', 'ok 😀', '😀'],
    ['ANSI', 'Ω', 'Ω'],
    ['ASCII', 'ab?c\u00e9', '\u00e9']
  ])(
    'reports the first character %s cannot hold in %j (%s), never a silent ?',
    async (label, text, char) => {
      expect(await encodeIn(label, text)).toEqual({ unrepresentable: char })
    }
  )

  it('reports a lone surrogate, which no Unicode encoding can hold', async () => {
    expect(await encodeIn('UTF-8', 'a\ud800b')).toEqual({ unrepresentable: '\ud800' })
  })

  it('does not mistake a literal ? for a replaced character', async () => {
    expect(await encodeIn('ASCII', '?')).toEqual(encoded('3f'))
  })
})
