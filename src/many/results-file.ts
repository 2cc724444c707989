import { constants } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { jsonOnOneLine } from '../common/json-text.js'
import type { ResponseFile } from '../transport/response-file.js'

/** How one call of a many-calls step ended, as its line of the results file holds it. */
export interface CallResult {
  /** The call's name: as given, or from its position. */
  readonly name: string
  /** Its position in `calls` or among the calls of `calls-file`, from 1. */
  readonly index: number
  /** Its line in `calls-file`; undefined for `calls`. */
  readonly line: number | undefined
  /** `Group/Service/Operation`; undefined when the line could not be read. */
  readonly serviceName: string | undefined
  /** Status of the final answer; undefined when none came (or no request was sent). */
  readonly status: number | undefined
  /** HTTP requests sent for the call, retries included. */
  readonly attempts: number
  /** Wall time of the call, waits included. */
  readonly elapsedMs: number
  /** F&O's ActivityId from an error body. */
  readonly activityId: string | undefined
  /** One line when the call failed; undefined on success. */
  readonly error: string | undefined
  /**
   * The body as JSON text when it is at most InlineResponseBytes: the body itself when it is
   * JSON (written as received, never re-serialised, so no nesting or number can break it), else
   * the body's text as a JSON string.
   */
  readonly responseJson: string | undefined
  /** The file holding the body when it is larger than InlineResponseBytes. */
  readonly responseFile: string | undefined
}

/** A body up to this size is written into the results file itself; a larger one has its own file. */
export const InlineResponseBytes = 64 * 1024

/** The line of the results file for one call: kebab-case keys, every key present (null when unset). */
export function resultLine(result: CallResult): string {
  const record: Record<string, unknown> = {
    name: result.name,
    index: result.index
  }
  if (result.line !== undefined) record['line'] = result.line
  Object.assign(record, {
    'service-name': result.serviceName ?? null,
    status: result.status ?? null,
    attempts: result.attempts,
    'elapsed-ms': Math.round(result.elapsedMs),
    'activity-id': result.activityId ?? null,
    error: result.error ?? null
  })
  // The body goes in as the JSON text it is: JSON.stringify of a parsed body nested thousands
  // deep overflows the stack, and a parsed number may have lost digits.
  const response = result.responseJson === undefined ? 'null' : jsonOnOneLine(result.responseJson)
  const file = JSON.stringify(result.responseFile ?? null)
  return `${JSON.stringify(record).slice(0, -1)},"response":${response},"response-file":${file}}\n`
}

/** Writes lines in input order as calls finish in any order. */
export interface ResultsWriter {
  /** Hands over the line of the call at `position` (from 0); resolves once what can be written is. */
  add(position: number, line: string): Promise<void>
  /** Writes nothing more and closes the file; throws when a line is still missing. */
  close(): Promise<void>
}

/** Out-of-order lines kept in memory up to this many bytes; beyond it they wait in a spill file. */
export const MaxBufferedBytes = 8 * 1024 * 1024

/**
 * Writes the results of a many-calls step into `results`, already open (and checked) for
 * writing; the writer closes it. Lines are written as soon as every earlier call has finished;
 * only lines that are ahead of a slower call wait, in memory up to `maxBufferedBytes`, then in
 * a spill file beside the results, so memory stays bounded however long one call takes.
 */
export async function openResultsWriter(
  results: ResponseFile,
  options: { maxBufferedBytes?: number } = {}
): Promise<ResultsWriter> {
  return new OrderedWriter(results, options.maxBufferedBytes ?? MaxBufferedBytes)
}

/** Where a line that waits is: in memory, or at this place in the spill file. */
type Held = string | { readonly offset: number; readonly length: number }

/** The spill file beside the results, and how much of it is written. */
interface Spill {
  readonly handle: FileHandle
  readonly file: string
  size: number
}

class OrderedWriter implements ResultsWriter {
  private readonly waiting = new Map<number, Held>()
  private bufferedBytes = 0
  private spill: Spill | undefined
  /** The position of the next line to write. */
  private next = 0
  // Writes happen one after another, in the order add() was called.
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly results: ResponseFile,
    private readonly maxBuffered: number
  ) {}

  add(position: number, line: string): Promise<void> {
    this.queue = this.queue.then(() => this.accept(position, line))
    return this.queue
  }

  async close(): Promise<void> {
    try {
      await this.queue
      if (this.waiting.size > 0) {
        throw new Error(
          `results-file: ${this.waiting.size} results wait for the result of call ${this.next + 1}, which never came`
        )
      }
    } finally {
      await this.results.handle.close()
      if (this.spill) {
        await this.spill.handle.close()
        await rm(this.spill.file, { force: true })
      }
    }
  }

  /** Holds a line that is ahead of a slower call, or writes it with the lines it frees. */
  private async accept(position: number, line: string): Promise<void> {
    if (position !== this.next) {
      this.waiting.set(position, line)
      this.bufferedBytes += Buffer.byteLength(line)
      if (this.bufferedBytes > this.maxBuffered) await this.spillOut()
      return
    }
    const run = [line]
    this.next++
    for (let held = await this.lineAt(this.next); held !== undefined;) {
      run.push(held)
      this.next++
      held = await this.lineAt(this.next)
    }
    await this.results.handle.write(run.join(''))
  }

  /** The line held for `position`, taken out of memory or the spill file; undefined if none. */
  private async lineAt(position: number): Promise<string | undefined> {
    const held = this.waiting.get(position)
    if (held === undefined) return undefined
    this.waiting.delete(position)
    if (typeof held === 'string') {
      this.bufferedBytes -= Buffer.byteLength(held)
      return held
    }
    const bytes = Buffer.alloc(held.length)
    await this.spill?.handle.read(bytes, 0, held.length, held.offset)
    return bytes.toString('utf8')
  }

  /** Moves every line held in memory to the spill file. */
  private async spillOut(): Promise<void> {
    const spill = (this.spill ??= await openSpill(this.results.path))
    const lines = [...this.waiting].filter(
      (entry): entry is [number, string] => typeof entry[1] === 'string'
    )
    const bytes = Buffer.from(lines.map(([, line]) => line).join(''), 'utf8')
    await spill.handle.write(bytes, 0, bytes.length, spill.size)
    for (const [position, line] of lines) {
      const length = Buffer.byteLength(line)
      this.waiting.set(position, { offset: spill.size, length })
      spill.size += length
    }
    this.bufferedBytes = 0
  }
}

async function openSpill(file: string): Promise<Spill> {
  const spillFile = `${file}.pending`
  // Beside a results file that was checked: never through a link someone left there. Whatever
  // has the name goes (a link itself, not what it leads to), and the file is created anew: no
  // O_NOFOLLOW on Windows, where O_EXCL refuses any existing name, a link included.
  await rm(spillFile, { force: true })
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL
  return { handle: await open(spillFile, flags, 0o600), file: spillFile, size: 0 }
}
