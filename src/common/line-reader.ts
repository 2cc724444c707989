import { isUtf8 } from 'node:buffer'

/**
 * One line of a text stream, numbered from 1; a line past the limit comes without its text, and
 * so does a line that is not valid UTF-8, with the offset of its first bad byte (from 0).
 */
export type Line =
  | { readonly number: number; readonly text: string }
  | { readonly number: number; readonly tooLong: true }
  | { readonly number: number; readonly invalidUtf8: { offset: number; byte: number } }

/**
 * Splits a byte stream into lines (LF or CRLF; a last line without LF counts), decoding each
 * as UTF-8 and dropping a leading byte order mark. Memory is bounded by `maxLineBytes`: a longer
 * line is skipped to its end and reported as too long instead of being buffered, so a huge line
 * cannot exhaust the memory as node:readline would. LF never occurs inside a UTF-8 sequence,
 * so splitting bytes before decoding is exact.
 */
export async function* readLines(
  stream: AsyncIterable<Buffer | string>,
  maxLineBytes: number
): AsyncGenerator<Line> {
  let number = 1
  let parts: Buffer[] = []
  let length = 0
  let tooLong = false

  const finish = (): Line => {
    const line: Line = tooLong ? { number, tooLong: true } : decodeLine(parts, length, number)
    number++
    parts = []
    length = 0
    tooLong = false
    return line
  }
  const keep = (bytes: Buffer, copy: boolean): void => {
    if (tooLong || bytes.length === 0) return
    if (length + bytes.length > maxLineBytes) {
      tooLong = true
      parts = []
      length = 0
      return
    }
    // What outlives its chunk is copied: a stream may reuse a chunk's memory.
    parts.push(copy ? Buffer.from(bytes) : bytes)
    length += bytes.length
  }

  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    let start = 0
    for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
      keep(bytes.subarray(start, end), false)
      start = end + 1
      yield finish()
    }
    keep(bytes.subarray(start), true)
  }
  if (length > 0 || tooLong) yield finish()
}

function decodeLine(parts: Buffer[], length: number, number: number): Line {
  const bytes = Buffer.concat(parts, length)
  // Decoding would turn a bad byte into U+FFFD silently, and the call would send that instead.
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes)
    return { number, invalidUtf8: { offset, byte: bytes[offset] ?? 0 } }
  }
  return { number, text: decode(bytes, number === 1) }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]
    let size: number
    let min = 0x80
    let max = 0xbf
    if (lead < 0x80) size = 1
    else if (lead >= 0xc2 && lead <= 0xdf) size = 2
    else if (lead >= 0xe0 && lead <= 0xef) {
      size = 3
      // No overlong forms, no surrogates.
      if (lead === 0xe0) min = 0xa0
      if (lead === 0xed) max = 0x9f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      size = 4
      if (lead === 0xf0) min = 0x90
      if (lead === 0xf4) max = 0x8f
    } else return i
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k]
      if (next === undefined) return i
      const low = k === 1 ? min : 0x80
      const high = k === 1 ? max : 0xbf
      if (next < low || next > high) return i + k
    }
    i += size
  }
  return bytes.length
}

function decode(bytes: Buffer, first: boolean): string {
  let text = bytes.toString('utf8')
  if (text.endsWith('\r')) text = text.slice(0, -1)
  return first ? text.replace(/^\uFEFF/, '') : text
}
