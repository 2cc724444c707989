import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import {
  bytesReceived,
  discardBody,
  formatBytes,
  MaxSignInResponseBytes,
  readText,
  receiveBody,
  TooLargeError
} from '../../src/transport/response-body.js'
import type { ResponseFile } from '../../src/transport/response-file.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-response-body-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(() => {
  jest.useRealTimers()
})

/** A response file opened as prepareResponseFile opens one; the test closes it. */
async function openFile(name: string): Promise<ResponseFile> {
  const file = path.join(dir, name)
  const opened = { path: file, handle: await open(file, 'w') }
  openFiles.push(opened)
  return opened
}
const openFiles: ResponseFile[] = []
afterEach(async () => {
  // Closing twice is harmless here: tests that close their file themselves stay as they are.
  await Promise.all(openFiles.splice(0).map(file => file.handle.close().catch(() => undefined)))
})

/** A body of `count` chunks of `size` bytes each. */
function chunks(count: number, size: number): Readable {
  return Readable.from(Array.from({ length: count }, (_, i) => Buffer.alloc(size, 97 + (i % 26))))
}

describe('receiveBody with maxBytes', () => {
  it('fails past the limit, naming it and max-response-size, and writes no more than the limit', async () => {
    const file = await openFile('over.json')
    const received = receiveBody(chunks(10, 1000), file, {
      keepBytes: 100,
      stallMs: 0,
      maxBytes: 2500
    })

    await expect(received).rejects.toThrow(TooLargeError)
    await expect(received).rejects.toThrow(
      'the response body is larger than 2500 bytes (max-response-size)'
    )
    await expect(received).rejects.toMatchObject({ bytesReceived: 3000 })
    expect((await readFile(file.path)).length).toBeLessThanOrEqual(2500)
  })

  it('takes a body of exactly the limit', async () => {
    const file = await openFile('exact.json')
    const received = await receiveBody(chunks(5, 1000), file, {
      keepBytes: 10,
      stallMs: 0,
      maxBytes: 5000
    })

    expect(received.bytes).toBe(5000)
    expect((await readFile(file.path)).length).toBe(5000)
  })

  it('with 0 has no limit', async () => {
    const file = await openFile('unlimited.json')
    const received = await receiveBody(chunks(64, 1024), file, {
      keepBytes: 10,
      stallMs: 0,
      maxBytes: 0
    })

    expect(received.bytes).toBe(64 * 1024)
  })
})

describe('readText', () => {
  it('reads a sign-in answer of up to 1 MiB', async () => {
    const text = await readText(chunks(16, MaxSignInResponseBytes / 16), 0)

    expect(text).toHaveLength(MaxSignInResponseBytes)
  })

  it('fails one byte past 1 MiB, naming the limit, and stops reading', async () => {
    const body = new PassThrough()
    body.write(Buffer.alloc(MaxSignInResponseBytes, 32))
    body.write('x')
    const text = readText(body, 0)

    await expect(text).rejects.toThrow(
      'the response body is larger than 1 MiB (the limit for sign-in answers)'
    )
    expect(body.destroyed).toBe(true)
  })
})

describe('discardBody', () => {
  it('returns at once, even for a body that never ends', async () => {
    const body = new PassThrough()
    await discardBody(body)

    expect(body.destroyed).toBe(false)
    body.write('a little')
    body.end()
  })

  it('drops a body longer than 64 KiB with its connection', async () => {
    const body = new PassThrough()
    await discardBody(body)
    body.write(Buffer.alloc(64 * 1024))
    body.write('x')
    await new Promise(resolve => setImmediate(resolve))

    expect(body.destroyed).toBe(true)
  })

  it('drops a body that has not ended after a second', async () => {
    jest.useFakeTimers()
    const body = new PassThrough()
    await discardBody(body)
    body.write('a byte now and then')
    jest.advanceTimersByTime(999)
    expect(body.destroyed).toBe(false)

    jest.advanceTimersByTime(1)
    expect(body.destroyed).toBe(true)
  })
})

describe('formatBytes', () => {
  it.each([
    [1024 ** 3, '1 GiB'],
    [10 * 1024 ** 2, '10 MiB'],
    [512 * 1024, '512 KiB'],
    [1536, '1536 bytes'],
    [1, '1 byte']
  ])('%i as %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

// The body is counted from its first byte: nothing is awaited between the answer's headers and
// the start of the count, so a connection that drops at once still reports what did arrive.
describe('receiveBody into the prepared file', () => {
  it('counts the bytes that arrived just before the connection dropped', async () => {
    const file = await openFile('cut.json')
    const body = new PassThrough()
    const arrived = '{"Message":"part of a longer answer",'
    body.write(arrived)
    // Dropped before any I/O could complete: an await before counting would miss the bytes.
    setImmediate(() => body.destroy(new Error('aborted')))
    try {
      const error = await receiveBody(body, file, {
        keepBytes: 1024,
        stallMs: 0,
        maxBytes: 0
      }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(Error)
      expect(bytesReceived(error)).toBe(Buffer.byteLength(arrived))
    } finally {
      await file.handle.close()
    }
  })

  it('writes the whole body from the start of the open file, and keeps the head', async () => {
    const file = await openFile('whole.json')
    const body = new PassThrough()
    body.end('{"ok":true}')
    try {
      const received = await receiveBody(body, file, { keepBytes: 4, stallMs: 0, maxBytes: 0 })
      expect(received).toEqual({ bytes: 11, head: Buffer.from('{"ok'), file: file.path })
    } finally {
      await file.handle.close()
    }
    expect(await readFile(file.path, 'utf8')).toBe('{"ok":true}')
  })

  it('a second body into the same file replaces the first, even when shorter', async () => {
    const file = await openFile('twice.json')
    try {
      const first = new PassThrough()
      first.end('{"first":"a longer answer"}')
      await receiveBody(first, file, { keepBytes: 0, stallMs: 0, maxBytes: 0 })
      const second = new PassThrough()
      second.end('{}')
      await receiveBody(second, file, { keepBytes: 0, stallMs: 0, maxBytes: 0 })
    } finally {
      await file.handle.close()
    }
    expect(await readFile(file.path, 'utf8')).toBe('{}')
  })
})

describe('receiveBody, for any body, chunking and limit', () => {
  it('leaves the body (or exactly what the limit allows) in the file and its first bytes in memory', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40_000 }), { maxLength: 12 }),
        fc.nat(200),
        fc.oneof(fc.constant(0), fc.nat(200_000)),
        async (parts, keepBytes, maxBytes) => {
          const file = await openFile(`property-${run++}.bin`)
          const whole = Buffer.concat(parts)
          const body = Readable.from(parts.map(part => Buffer.from(part)))
          const over = maxBytes > 0 && whole.length > maxBytes
          const received = receiveBody(body, file, { keepBytes, stallMs: 0, maxBytes })
          if (over) {
            await expect(received).rejects.toThrow(TooLargeError)
          } else {
            expect(await received).toEqual({
              bytes: whole.length,
              head: whole.subarray(0, keepBytes),
              file: file.path
            })
          }
          expect(await readFile(file.path)).toEqual(over ? whole.subarray(0, maxBytes) : whole)
        }
      ),
      { numRuns: 60 }
    )
  })
})
