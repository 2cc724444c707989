import { createReadStream } from 'node:fs'
import { CallKeys, isRecord, kindOf, readCallObject, type CallSpec } from '../call/call-spec.js'
import { describeJsonError } from '../common/json-syntax.js'
import { readLines } from '../common/line-reader.js'
import type { CallsFileFormat } from '../inputs/settings.js'
import { jsonPayloadTexts } from '../common/payload-source.js'

/** The longest line of a calls-file, in bytes: one call with its payload. */
export const MaxCallLineBytes = 4 * 1024 * 1024

/** One entry of a calls-file: a call, or why its line is not one (the line counts as a failed call). */
export type FileCall =
  | { readonly line: number; readonly call: CallSpec }
  | { readonly line: number; readonly problem: string }

/** How the lines of a calls-file are read. */
export interface CallsFileOptions {
  /**
   * `calls-file-format`: with `payloads` every line is the payload of a call to the step's
   * `service-name`, whatever its keys (a record cannot choose the operation); with `calls` every
   * line is a call object.
   */
  readonly format: CallsFileFormat
  /** Longest line in bytes; default MaxCallLineBytes. */
  readonly maxLineBytes?: number
}

/**
 * Streams the calls of a JSON Lines file, one line at a time, so a file of any size is never
 * held in memory. Blank lines are skipped. A line that is not a call is yielded with its line
 * number and the reason, never quoting it (a payload may hold personal data).
 */
export async function* readCallsFile(
  file: string,
  options: CallsFileOptions
): AsyncGenerator<FileCall> {
  const maxLineBytes = options.maxLineBytes ?? MaxCallLineBytes
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 })
  try {
    for await (const line of readLines(stream, maxLineBytes)) {
      if ('tooLong' in line) {
        yield {
          line: line.number,
          problem: `longer than ${maxLineBytes} bytes, the most one line may hold`
        }
        continue
      }
      if ('invalidUtf8' in line) {
        const { offset, byte } = line.invalidUtf8
        yield {
          line: line.number,
          problem: `not valid UTF-8 (JSON Lines is UTF-8): byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${offset} of the line`
        }
        continue
      }
      // Blank by JSON's white space, as countCallLines counts: a line of other white space
      // (U+00A0, a form feed) is a call that fails, never one silently dropped from the total.
      if (/^[ \t\r]*$/.test(line.text)) continue
      yield { line: line.number, ...(await readCallLine(line.text, options.format)) }
    }
  } finally {
    stream.destroy()
  }
}

/** One non-blank line as a call, or why it is not one. */
export async function readCallLine(
  text: string,
  format: CallsFileFormat
): Promise<{ call: CallSpec } | { problem: string }> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { problem: `not valid JSON: ${(await describeJsonError(text)) ?? 'not valid JSON'}` }
  }
  if (format === 'payloads') {
    if (!isRecord(value)) return { problem: `expected a JSON object; got ${kindOf(value)}` }
    return {
      call: {
        name: undefined,
        serviceName: undefined,
        // Sent as written: the bytes of the line are the payload.
        payload: text,
        method: undefined,
        successWhen: undefined,
        failWhen: undefined
      }
    }
  }
  // An object payload is sent as the line writes it, never re-serialised.
  const payload = isRecord(value) ? value[CallKeys.payload] : undefined
  const texts =
    typeof payload === 'object' && payload !== null
      ? await jsonPayloadTexts(text, false)
      : undefined
  const call = await readCallObject(value, texts instanceof Map ? texts.get(0) : texts)
  return 'problem' in call ? call : { call }
}

/**
 * How many calls a calls-file holds (its non-blank lines), counted by streaming its bytes once,
 * so progress can say "done of total" without keeping the file in memory.
 */
export async function countCallLines(file: string): Promise<number> {
  let count = 0
  let content = false
  let first = true
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const bytes = chunk as Buffer
    let from = 0
    if (first) {
      first = false
      // A byte order mark is not content.
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) from = 3
    }
    for (let i = from; i < bytes.length; i++) {
      const byte = bytes[i]
      if (byte === 0x0a) {
        if (content) count++
        content = false
      } else if (!content && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        content = true
      }
    }
  }
  return content ? count + 1 : count
}
