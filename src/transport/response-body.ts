import { fstatSync, ftruncateSync, writeSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { Inputs } from '../common/constants.js'
import { TimeoutError } from './http.js'
import type { ResponseFile } from './response-file.js'

/** The number of body bytes that arrived before a body failed, when receiveBody knows it. */
export function bytesReceived(error: unknown): number | undefined {
  const bytes = (error as { bytesReceived?: unknown } | null)?.bytesReceived
  return typeof bytes === 'number' ? bytes : undefined
}

/** What was received of a body: its size, the first bytes kept in memory, and where all of it is. */
export interface ReceivedBody {
  /** Total bytes received and written to `file`. */
  readonly bytes: number
  /** The first bytes of the body (at most `keepBytes`). */
  readonly head: Buffer
  /** The file that holds the whole body. */
  readonly file: string
}

/**
 * Streams a response body, byte for byte, into the already open `file` (from its start; it is
 * emptied first and left open), keeping only the first `keepBytes` in memory, so memory does not
 * grow with the body. Fails with TimeoutError when no byte arrives for `stallMs` (0 = no limit),
 * with TooLargeError (max-response-size) once the body passes `maxBytes` (0 = no limit; the file
 * keeps at most that much), and with the stream's error when the connection closes before the
 * body is complete.
 */
export async function receiveBody(
  body: Readable,
  file: ResponseFile,
  options: { keepBytes: number; stallMs: number; maxBytes: number }
): Promise<ReceivedBody> {
  // Nothing is awaited before the body is read, so every byte that arrives is counted, even
  // when the connection drops at once. Only a file that holds an earlier body is emptied: on
  // ext4, truncating a file (even an empty one) makes its close write back every page of the
  // new body (auto_da_alloc), which costs a large body about a tenth of its time.
  const fd = file.handle.fd
  if (fstatSync(fd).size > 0) ftruncateSync(fd)
  // Written at once, in order: a write to a local file lands in the page cache in microseconds,
  // while a write stream's round trips to the thread pool paused the socket after every 16 KiB
  // (a 200 MiB body took twice as long) and cost a small one ~4 ms.
  const { bytes, head } = await readBody(body, options, (chunk, at) =>
    writeFully(fd, chunk, at.offset)
  )
  return { bytes, head, file: file.path }
}

/** Where a chunk stands in its body, as readBody hands it to its sink. */
export interface ChunkPlace {
  /** The chunk's first byte's offset in the body. */
  readonly offset: number
  /** Bytes arrived so far, this chunk whole included (past `maxBytes` for the last one). */
  readonly arrived: number
  /** The first bytes kept so far, this chunk's part included. */
  head(): Buffer
}

/**
 * Reads a body chunk by chunk: hands `sink` each chunk, cut at `maxBytes` (0 = no limit), with
 * its place in the body, and keeps the first `keepBytes`. Fails with TimeoutError when no byte arrives for `stallMs` (0 =
 * no limit), with TooLargeError (max-response-size) once the body passes `maxBytes`, after the
 * part that fits went to `sink`, and with the stream's or the sink's error; every failure
 * carries `bytesReceived`.
 */
export async function readBody(
  body: Readable,
  options: { keepBytes: number; stallMs: number; maxBytes: number },
  sink: (chunk: Buffer, at: ChunkPlace) => void | Promise<void>
): Promise<{ bytes: number; head: Buffer }> {
  const kept: Buffer[] = []
  let keptBytes = 0
  let bytes = 0
  const head = (): Buffer => Buffer.concat(kept)
  const stalls = watchStalls(body, options.stallMs)
  try {
    for await (const data of body) {
      stalls.touch()
      const whole = Buffer.isBuffer(data) ? data : Buffer.from(data as string)
      const room = options.maxBytes > 0 ? options.maxBytes - bytes : Infinity
      const chunk = whole.length > room ? whole.subarray(0, room) : whole
      const offset = bytes
      bytes += whole.length
      if (keptBytes < options.keepBytes) {
        const part = chunk.subarray(0, options.keepBytes - keptBytes)
        kept.push(part)
        keptBytes += part.length
      }
      await sink(chunk, { offset, arrived: bytes, head })
      if (chunk !== whole) {
        body.destroy()
        throw new TooLargeError(options.maxBytes, Inputs.MaxResponseSize)
      }
    }
  } catch (error) {
    // How far the body got tells a cut connection from one that never sent a byte.
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      bytesReceived: bytes
    })
  } finally {
    stalls.stop()
  }
  return { bytes, head: head() }
}

/** Writes all of `chunk` at `position` of the file (a write may take only part of it). */
function writeFully(fd: number, chunk: Buffer, position: number): void {
  for (let written = 0; written < chunk.length;) {
    written += writeSync(fd, chunk, written, chunk.length - written, position + written)
  }
}

/** The cap on a sign-in answer (token, OpenID metadata, GitHub ID token): none is near this size. */
export const MaxSignInResponseBytes = 1024 * 1024

/**
 * Reads a small body (a token response) into text, failing when it stalls for `stallMs` and with
 * TooLargeError once it passes MaxSignInResponseBytes, so a hostile endless answer cannot grow memory.
 */
export async function readText(body: Readable, stallMs: number): Promise<string> {
  const chunks: Buffer[] = []
  let bytes = 0
  const stalls = watchStalls(body, stallMs)
  try {
    for await (const chunk of body) {
      stalls.touch()
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
      bytes += buffer.length
      if (bytes > MaxSignInResponseBytes) {
        body.destroy()
        throw new TooLargeError(MaxSignInResponseBytes, 'the limit for sign-in answers')
      }
      chunks.push(buffer)
    }
  } finally {
    stalls.stop()
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Raised when a body passes its size limit; the message names the limit and where it is set. */
export class TooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    limitName: string
  ) {
    super(`the response body is larger than ${formatBytes(limitBytes)} (${limitName})`)
    this.name = 'TooLargeError'
  }
}

/** `1 GiB`, `10 MiB`, `512 KiB` where exact, else `N bytes`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024]
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`
  }
  return bytes === 1 ? '1 byte' : `${bytes} bytes`
}

/**
 * Fails `body` with TimeoutError when no byte arrives for `stallMs` (0 = never): a deadline
 * that restarts with every chunk (`touch`), unlike a socket's idle timer, which only half-closes.
 */
export function watchStalls(body: Readable, stallMs: number): { touch(): void; stop(): void } {
  if (stallMs === 0) return { touch: () => undefined, stop: () => undefined }
  // One timer, restarted in place: a chunk costs no new timer.
  const watchdog = setTimeout(() => body.destroy(new TimeoutError(stallMs)), stallMs)
  return { touch: () => void watchdog.refresh(), stop: () => clearTimeout(watchdog) }
}

/** How much of a throttled answer's body is drained, in the background, before it is dropped. */
const DiscardLimits = { bytes: 64 * 1024, ms: 1000 }

/**
 * Discards a body (a throttled answer) without waiting for it, so the wait before the retry starts
 * at once: a short body is drained in the background and its connection reused; one longer or
 * slower than DiscardLimits is destroyed with its connection, so a dripping body holds nothing.
 * With `head`, its first `head.bytes` are handed to `head.read` once the body has ended.
 */
export function discardBody(
  body: Readable,
  head?: { readonly bytes: number; read(head: Buffer): void }
): Promise<void> {
  let bytes = 0
  const kept: Buffer[] = []
  const drop = (): void => {
    body.destroy()
  }
  // Unreferenced: a body being dropped never keeps the process alive.
  const timer = setTimeout(drop, DiscardLimits.ms).unref()
  body.on('data', (chunk: Buffer | string) => {
    if (head && bytes < head.bytes) {
      const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
      kept.push(data.subarray(0, head.bytes - bytes))
    }
    bytes += chunk.length
    if (bytes > DiscardLimits.bytes) drop()
  })
  body.once('close', () => clearTimeout(timer))
  body.once('end', () => {
    clearTimeout(timer)
    head?.read(Buffer.concat(kept))
  })
  body.on('error', () => undefined)
  return Promise.resolve()
}
