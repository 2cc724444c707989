import { mkdir, open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { Inputs } from '../common/constants.js'
import { formatBytes, readBody, type ReceivedBody } from '../transport/response-body.js'

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
  /** The room every call's response file shares (undefined: no limit). */
  readonly files?: FilesBudget
}

/** How many bytes the response files of a many-calls step may hold together. */
export interface FilesBudget {
  /** Takes room for `bytes` more; false (and nothing taken) when they do not fit. */
  take(bytes: number): boolean
  readonly limitBytes: number
}

/** The response files of all calls of a step hold at most this many times max-response-size. */
export const StepFilesPerMaxResponseSize = 10

/**
 * The room the response files of a many-calls step share: StepFilesPerMaxResponseSize ×
 * max-response-size (10 GiB by default), so a thousand large answers cannot fill the runner's
 * disk; undefined (no limit) when max-response-size is 0.
 */
export function createFilesBudget(maxResponseBytes: number): FilesBudget | undefined {
  if (maxResponseBytes === 0) return undefined
  const limitBytes = maxResponseBytes * StepFilesPerMaxResponseSize
  let used = 0
  return {
    take(bytes) {
      if (used + bytes > limitBytes) return false
      used += bytes
      return true
    },
    limitBytes
  }
}

/** Raised when a call's response file would pass the room all calls' files share. */
export class FilesFullError extends Error {
  constructor(limitBytes: number) {
    super(
      `the response files of the step's calls would pass ${formatBytes(limitBytes)} together ` +
        `(${StepFilesPerMaxResponseSize} × ${Inputs.MaxResponseSize})`
    )
    this.name = 'FilesFullError'
  }
}

/**
 * Receives one call's body of many: in memory while it is small (no file for each of thousands
 * of small answers), and once it passes `inlineBytes` streamed into `file` (parent folders
 * created), which then holds all of it; only the first `keepBytes` stay in memory. `file` is ''
 * in the result when the body stayed small. Fails like receiveBody, with `bytesReceived`: with
 * TooLargeError past `maxBytes` (the file keeps at most that much), TimeoutError on a stall, and
 * FilesFullError when the file would pass the room `files` has left (it keeps what fitted).
 */
export async function receiveCallBody(
  body: Readable,
  file: string,
  options: CallBodyOptions
): Promise<ReceivedBody> {
  let sink: FileHandle | undefined
  try {
    const { bytes, head } = await readBody(body, options, async (chunk, at) => {
      if (sink === undefined && at.arrived <= options.inlineBytes) return
      // The file's room is taken before anything is written, so a file that does not fit is
      // never created and one that is cut keeps what fitted.
      const writing = sink === undefined ? at.offset + chunk.length : chunk.length
      if (options.files?.take(writing) === false) throw new FilesFullError(options.files.limitBytes)
      if (sink === undefined) {
        await mkdir(path.dirname(file), { recursive: true })
        sink = await open(file, 'w')
        // What came before is all still in memory: keepBytes ≥ inlineBytes.
        await sink.write(at.head().subarray(0, at.offset))
      }
      await sink.write(chunk)
    })
    return { bytes, head, file: sink === undefined ? '' : file }
  } finally {
    await sink?.close()
  }
}
