import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import {
  discardBody,
  formatBytes,
  MaxSignInResponseBytes,
  readText,
  receiveBody,
  TooLargeError
} from '../../src/response-body.js'

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

/** A body of `count` chunks of `size` bytes each. */
function chunks(count: number, size: number): Readable {
  return Readable.from(Array.from({ length: count }, (_, i) => Buffer.alloc(size, 97 + (i % 26))))
}

describe('receiveBody with maxBytes', () => {
  it('fails past the limit, naming it and max-response-size, and writes no more than the limit', async () => {
    const file = path.join(dir, 'over.json')
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
    expect((await readFile(file)).length).toBeLessThanOrEqual(2500)
  })

  it('takes a body of exactly the limit', async () => {
    const file = path.join(dir, 'exact.json')
    const received = await receiveBody(chunks(5, 1000), file, {
      keepBytes: 10,
      stallMs: 0,
      maxBytes: 5000
    })

    expect(received.bytes).toBe(5000)
    expect((await readFile(file)).length).toBe(5000)
  })

  it('with 0 has no limit', async () => {
    const file = path.join(dir, 'unlimited.json')
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
