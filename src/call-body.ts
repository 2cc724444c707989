import { mkdir, open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { Inputs } from './constants.js'
import { TooLargeError, watchStalls, type ReceivedBody } from './response-body.js'

/** How one call's body is kept in a many-calls step. */
export interface CallBodyOptions {
  /** A body up to this size stays in memory only (it goes inline into the results file). */
  readonly inlineBytes: number
  /** The first bytes kept in memory for the outcome checks (at least inlineBytes). */
  readonly keepBytes: number
  /** Longest wait for the next chunk, in ms; 0 = no limit. */
  readonly stallMs: number
  /** max-response-size: the most a body may hold, in bytes; 0 = no limit. */
  readonly maxBytes: number
}

/**
 * Receives one call's body of many: in memory while it is small (no file for each of thousands
 * of small answers), and once it passes `inlineBytes` streamed into `file` (parent folders
 * created), which then holds all of it; only the first `keepBytes` stay in memory. `file` is ''
 * in the result when the body stayed small. Fails like receiveBody, with `bytesReceived`: with
 * TooLargeError past `maxBytes` (the file keeps at most that much), TimeoutError on a stall.
 */
export async function receiveCallBody(
  body: Readable,
  file: string,
  options: CallBodyOptions
): Promise<ReceivedBody> {
  const kept: Buffer[] = []
  let keptBytes = 0
  let bytes = 0
  let sink: FileHandle | undefined
  const stalls = watchStalls(body, options.stallMs)
  try {
    for await (const data of body) {
      stalls.touch()
      const whole = Buffer.isBuffer(data) ? data : Buffer.from(data as string)
      const room = options.maxBytes > 0 ? options.maxBytes - bytes : Infinity
      const chunk = whole.length > room ? whole.subarray(0, room) : whole
      bytes += whole.length
      if (keptBytes < options.keepBytes) {
        const part = chunk.subarray(0, options.keepBytes - keptBytes)
        kept.push(part)
        keptBytes += part.length
      }
      if (sink === undefined && bytes > options.inlineBytes) {
        await mkdir(path.dirname(file), { recursive: true })
        sink = await open(file, 'w')
        // What came before is all still in memory: keepBytes ≥ inlineBytes.
        const earlier = Buffer.concat(kept).subarray(0, bytes - whole.length)
        await sink.write(earlier)
        await sink.write(chunk)
      } else if (sink !== undefined) {
        await sink.write(chunk)
      }
      if (chunk !== whole) {
        body.destroy()
        throw new TooLargeError(options.maxBytes, Inputs.MaxResponseSize)
      }
    }
  } catch (error) {
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      bytesReceived: bytes
    })
  } finally {
    stalls.stop()
    await sink?.close()
  }
  return { bytes, head: Buffer.concat(kept), file: sink === undefined ? '' : file }
}
