import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import { encodeText, resolveCharset, type Charset } from '../../src/common/charset.js'

// src/common/charset.ts encodes UTF-8 with Buffer instead of iconv-lite, so a run with the default
// charset never loads iconv-lite's code tables (a start-up cost the benchmark measures). This
// proves the shortcut gives byte for byte what iconv-lite gives, unrepresentable text included.
const utf8 = (await resolveCharset('UTF-8')) as Charset

/** encodeText as it was before the shortcut: iconv-lite for every charset. */
function throughIconv(text: string): Awaited<ReturnType<typeof encodeText>> {
  const encode = (part: string): Buffer => iconv.encode(part, 'utf8', { addBOM: false })
  const decode = (bytes: Buffer): string => iconv.decode(bytes, 'utf8', { stripBOM: false })
  const bytes = encode(text)
  if (decode(bytes) === text) return { bytes }
  for (const char of text) if (decode(encode(char)) !== char) return { unrepresentable: char }
  return { unrepresentable: text }
}

describe('the UTF-8 shortcut of encodeText', () => {
  it('resolves UTF-8 to the same charset iconv-lite accepts', () => {
    expect(utf8).toEqual({ name: 'utf-8', encoding: 'utf8' })
    expect(iconv.encodingExists(utf8.encoding)).toBe(true)
  })

  it.each([
    ['', 'empty text'],
    ['{"a":"é€😀"}', 'BMP and astral characters'],
    ['\uFEFF{}', 'a leading byte-order mark'],
    ['{"a":"\uD800"}', 'a lone high surrogate'],
    ['{"a":"\uDC00x"}', 'a lone low surrogate'],
    ['{}\uD83D', 'a high surrogate at the very end']
  ])('matches iconv-lite for %j (%s)', async text => {
    expect(await encodeText(text, utf8)).toEqual(throughIconv(text))
  })

  it('matches iconv-lite for any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async text => {
        expect(await encodeText(text, utf8)).toEqual(throughIconv(text))
      }),
      { numRuns: 2000 }
    )
  })
})
