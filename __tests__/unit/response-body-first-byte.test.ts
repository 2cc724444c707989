import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { bytesReceived, receiveBody } from '../../src/response-body.js'
import type { ResponseFile } from '../../src/response-file.js'

// The body is counted from its first byte: nothing is awaited between the answer's headers and
// the start of the count, so a connection that drops at once still reports what did arrive.

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-body-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function openFile(name: string): Promise<ResponseFile> {
  const file = path.join(dir, name)
  return { path: file, handle: await open(file, 'w') }
}

describe('receiveBody', () => {
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
