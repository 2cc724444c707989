import { mkdir, open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { readBody, type ReceivedBody } from './response-body.js'

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
  let sink: FileHandle | undefined
  try {
    const { bytes, head } = await readBody(body, options, async (chunk, at) => {
      if (sink === undefined && at.arrived > options.inlineBytes) {
        await mkdir(path.dirname(file), { recursive: true })
        sink = await open(file, 'w')
        // What came before is all still in memory: keepBytes ≥ inlineBytes.
        await sink.write(at.head().subarray(0, at.offset))
      }
      if (sink !== undefined) await sink.write(chunk)
    })
    return { bytes, head, file: sink === undefined ? '' : file }
  } finally {
    await sink?.close()
  }
}
