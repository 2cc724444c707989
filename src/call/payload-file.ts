import { open, realpath } from 'node:fs/promises'
import path from 'node:path'
import { decodeExactly, resolveCharset, type Charset } from '../common/charset.js'
import { Inputs } from '../common/constants.js'
import { describeJsonError } from '../common/json-syntax.js'
import { containPath } from '../common/path-containment.js'
import { readableOutsideRoots } from '../transport/response-file.js'

type Environment = Readonly<Record<string, string | undefined>>

/** The largest payload-file: F&O refuses far smaller bodies; a mistaken path must not fill memory. */
export const MaxPayloadFileBytes = 64 * 1024 * 1024

/** A payload ready to send: the bytes, and the Content-Type that declares their charset. */
export interface EncodedPayload {
  readonly body: Buffer
  readonly contentType: string
  /** The file's JSON as text, for the contract doctor and check-contract (never logged). */
  readonly text: string
}

// Byte-order marks, longest first; as Get-Content and .NET's readers do, a mark decides the charset.
const Marks: readonly { readonly bytes: Buffer; readonly charset: string }[] = [
  { bytes: Buffer.from([0xef, 0xbb, 0xbf]), charset: 'utf-8' },
  { bytes: Buffer.from([0xff, 0xfe]), charset: 'utf-16le' },
  { bytes: Buffer.from([0xfe, 0xff]), charset: 'utf-16be' }
]

/** Where `payload-file` (or a call's) points: relative to GITHUB_WORKSPACE, as the runner's paths are. */
export function payloadFilePath(given: string, env: Environment = process.env): string {
  const contained = containPath(given, env)
  return 'path' in contained ? contained.path : path.resolve(env['GITHUB_WORKSPACE'] || '.', given)
}

/**
 * Reads `payload-file` (or a call's `payload-file`) before any request: a regular file inside
 * GITHUB_WORKSPACE or RUNNER_TEMP (links followed only when they stay there), at most 64 MiB,
 * whose bytes are valid JSON in `charset`. A UTF-8 or UTF-16 byte-order mark decides the charset
 * and is not sent. The bytes go as they are, never re-encoded. Returns why it cannot be used
 * instead (one sentence without the file's content).
 */
export async function readPayloadFile(
  given: string,
  charset: Charset,
  env: Environment = process.env
): Promise<EncodedPayload | { problem: string }> {
  const shown = `${Inputs.PayloadFile} '${given.slice(0, 200)}'`
  if (given.includes('\0')) return { problem: `${shown}: a path cannot hold a NUL character` }
  // Inside the workspace or RUNNER_TEMP by this platform's rules (devices and streams refused on
  // Windows), then by the real path, so a link cannot lead elsewhere.
  const contained = containPath(given, env)
  if ('problem' in contained) {
    return {
      problem: `${shown}: ${contained.problem}; give a file there, e.g. payloads/journal.json`
    }
  }
  const file = contained.path
  let real: string
  let outside: string | undefined
  try {
    real = await realpath(file)
    outside = await readableOutsideRoots(file, env)
  } catch (error) {
    return {
      problem: `${shown}: ${file} ${codeOf(error) === 'ENOENT' ? 'does not exist' : `cannot be read (${codeOf(error)})`}`
    }
  }
  if (outside !== undefined) {
    return { problem: `${shown}: ${outside}; give a file there, e.g. payloads/journal.json` }
  }

  let bytes: Buffer
  const handle = await open(real, 'r').catch(() => undefined)
  if (handle === undefined) return { problem: `${shown}: ${file} cannot be read` }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) return { problem: `${shown}: ${file} is not a regular file` }
    if (stats.size > MaxPayloadFileBytes) {
      return {
        problem: `${shown}: ${file} is ${stats.size} bytes, more than the 64 MiB a payload may have`
      }
    }
    // Never more than the size it had, plus one byte to see that it grew: a file that is still
    // being written cannot take more memory than its size allowed.
    const room = Buffer.alloc(stats.size + 1)
    let length = 0
    while (length < room.length) {
      const { bytesRead } = await handle.read(room, length, room.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > stats.size) {
      return { problem: `${shown}: ${file} grew while it was read; give a file that is complete` }
    }
    bytes = room.subarray(0, length)
  } finally {
    await handle.close()
  }

  const mark = Marks.find(candidate =>
    bytes.subarray(0, candidate.bytes.length).equals(candidate.bytes)
  )
  const used = mark ? ((await resolveCharset(mark.charset)) ?? charset) : charset
  const body = mark ? bytes.subarray(mark.bytes.length) : bytes
  const text = await decodeExactly(body, used)
  const declared = `${used.name}${mark ? ' (its byte-order mark)' : ` (${Inputs.PayloadCharset})`}`
  if (text === undefined) {
    return {
      problem: `${shown} holds bytes that are not valid ${declared}: set ${Inputs.PayloadCharset} to the file's charset`
    }
  }
  const problem = await describeJsonError(text)
  if (problem !== undefined)
    return { problem: `${shown} is not valid JSON in ${declared}: ${problem}` }
  return { body, contentType: `application/json;charset=${used.name}`, text }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'unknown error'
}
