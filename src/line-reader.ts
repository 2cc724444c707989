/** One line of a text stream, numbered from 1; a line past the limit comes without its text. */
export type Line =
  | { readonly number: number; readonly text: string }
  | { readonly number: number; readonly tooLong: true }

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
    const line: Line = tooLong
      ? { number, tooLong: true }
      : { number, text: decode(Buffer.concat(parts, length), number === 1) }
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

function decode(bytes: Buffer, first: boolean): string {
  let text = bytes.toString('utf8')
  if (text.endsWith('\r')) text = text.slice(0, -1)
  return first ? text.replace(/^\uFEFF/, '') : text
}
