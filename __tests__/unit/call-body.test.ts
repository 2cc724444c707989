import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { createFilesBudget, receiveCallBody } from '../../src/many/call-body.js'
import { bytesReceived } from '../../src/transport/response-body.js'

describe('receiveCallBody', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'call-body-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const options = { inlineBytes: 10, keepBytes: 16, stallMs: 0, maxBytes: 0 }

  it('keeps a small body in memory and writes no file', async () => {
    const file = path.join(dir, 'small', '1.json')
    const body = await receiveCallBody(
      Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]),
      file,
      options
    )
    expect(body).toEqual({ bytes: 7, head: Buffer.from('{"a":1}'), file: '' })
    await expect(stat(file)).rejects.toThrow(/ENOENT/)
  })

  it('shares one room among the files of all calls: 10 × max-response-size', async () => {
    // max-response-size 5 bytes: the files may hold 50 together; small bodies take none of it.
    const files = createFilesBudget(5)
    const receive = (name: string, text: string) =>
      receiveCallBody(Readable.from([Buffer.from(text)]), path.join(dir, 'shared', name), {
        ...options,
        files
      })
    await expect(receive('small.json', 'x'.repeat(10))).resolves.toMatchObject({ file: '' })
    await expect(receive('1.json', 'a'.repeat(30))).resolves.toMatchObject({ bytes: 30 })
    await expect(receive('2.json', 'b'.repeat(20))).resolves.toMatchObject({ bytes: 20 })
    await expect(receive('3.json', 'c'.repeat(11))).rejects.toThrow(
      "the response files of the step's calls would pass 50 bytes together (10 × max-response-size)"
    )
    await expect(stat(path.join(dir, 'shared', '3.json'))).rejects.toThrow(/ENOENT/)
    expect(createFilesBudget(0)).toBeUndefined()
  })

  it('keeps a body of exactly inlineBytes in memory', async () => {
    const file = path.join(dir, 'exact', '1.json')
    const body = await receiveCallBody(Readable.from([Buffer.from('0123456789')]), file, options)
    expect(body.file).toBe('')
  })

  it('writes a larger body whole into its file, keeping only the head in memory', async () => {
    const file = path.join(dir, 'large', '2.json')
    const chunks = ['0123', '456789a', 'bcdefghij', 'klmnopqrstuvwxyz'].map(text =>
      Buffer.from(text)
    )
    const body = await receiveCallBody(Readable.from(chunks), file, options)
    expect(body).toEqual({ bytes: 36, head: Buffer.from('0123456789abcdef'), file })
    await expect(readFile(file, 'utf8')).resolves.toBe('0123456789abcdefghijklmnopqrstuvwxyz')
  })

  it('stops at max-response-size, the file holding exactly that much', async () => {
    const file = path.join(dir, 'capped', '3.json')
    const chunks = ['0123456789ab', 'cdefghij', 'klmn'].map(text => Buffer.from(text))
    const error = await receiveCallBody(Readable.from(chunks), file, {
      ...options,
      maxBytes: 15
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'TooLargeError',
      message: 'the response body is larger than 15 bytes (max-response-size)'
    })
    await expect(readFile(file, 'utf8')).resolves.toBe('0123456789abcde')
  })

  it('fails a stalled body with the timeout, saying how much arrived', async () => {
    const stream = new PassThrough()
    stream.write('abc')
    const promise = receiveCallBody(stream, path.join(dir, 'stall.json'), {
      ...options,
      stallMs: 50
    })
    const error = await promise.catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'TimeoutError' })
    expect(bytesReceived(error)).toBe(3)
  })
})
