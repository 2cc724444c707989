import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import {
  countCallLines,
  readCallLine,
  readCallsFile,
  type FileCall
} from '../../src/many/calls-file.js'
import { firstInvalidUtf8, readLines, type Line } from '../../src/common/line-reader.js'

async function lines(chunks: (string | Buffer)[], max = 100): Promise<Line[]> {
  const found: Line[] = []
  for await (const line of readLines(Readable.from(chunks, { objectMode: true }), max)) {
    found.push(line)
  }
  return found
}

describe('firstInvalidUtf8', () => {
  it.each([
    ['valid text to its end', Buffer.from('aé€😀'), 10],
    ['a lone continuation byte', Buffer.from([0x61, 0x80]), 1],
    ['an overlong form', Buffer.from([0xc0, 0xaf]), 0],
    ['a surrogate', Buffer.from([0xed, 0xa0, 0x80]), 1],
    ['a sequence cut short', Buffer.from([0x61, 0xe2, 0x82]), 1],
    ['a bad second byte', Buffer.from([0xe2, 0x28, 0xa1]), 1],
    ['beyond U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80]), 1]
  ])('finds %s', (_, bytes, offset) => {
    expect(firstInvalidUtf8(bytes)).toBe(offset)
  })
})

describe('readLines', () => {
  it('splits on LF and CRLF, numbers from 1, and keeps a last line without LF', async () => {
    expect(await lines(['a\r\nbb\n\nccc'])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'bb' },
      { number: 3, text: '' },
      { number: 4, text: 'ccc' }
    ])
  })

  it('joins a line split across chunks, even inside a UTF-8 sequence', async () => {
    const bytes = Buffer.from('{"a":"æ€😀"}\n{"b":1}\n')
    const chunks = [...bytes].map(byte => Buffer.from([byte]))
    expect(await lines(chunks)).toEqual([
      { number: 1, text: '{"a":"æ€😀"}' },
      { number: 2, text: '{"b":1}' }
    ])
  })

  it('drops a byte order mark at the start only', async () => {
    expect(await lines(['\uFEFFa\n\uFEFFb'])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: '\uFEFFb' }
    ])
  })

  it('reports a line over the limit without its text and goes on with the next', async () => {
    expect(await lines(['12345678', '901\nok\n', 'x'.repeat(11)], 10)).toEqual([
      { number: 1, tooLong: true },
      { number: 2, text: 'ok' },
      { number: 3, tooLong: true }
    ])
  })

  it('accepts a line of exactly the limit', async () => {
    expect(await lines(['x'.repeat(10), '\n'], 10)).toEqual([{ number: 1, text: 'x'.repeat(10) }])
  })

  it('never holds more than the limit of a long line', async () => {
    // A 256 MiB line, read with a 1 KiB limit: keeping (copies of) it would show in the memory in
    // use. The source hands the same 1 MiB buffer over and over, so the only memory that can grow
    // is what readLines keeps: the measure does not wait on the collector to free the source's.
    const chunk = Buffer.alloc(1024 * 1024, 'x')
    const source = (async function* () {
      for (let i = 0; i < 256; i++) yield chunk
      yield Buffer.from('\nlast')
    })()
    const before = process.memoryUsage().arrayBuffers
    let peak = 0
    const found: Line[] = []
    for await (const line of readLines(source, 1024)) {
      found.push(line)
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before)
    }
    expect(found).toEqual([
      { number: 1, tooLong: true },
      { number: 2, text: 'last' }
    ])
    expect(peak).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('readCallLine', () => {
  it('reads a call object', async () => {
    await expect(
      readCallLine('{"name":"a","service-name":"G/S/O","payload":{"x":1}}', 'calls')
    ).resolves.toEqual({
      call: {
        name: 'a',
        serviceName: 'G/S/O',
        payload: '{"x":1}',
        method: undefined,
        successWhen: undefined,
        failWhen: undefined
      }
    })
  })

  it('sends a payload line as written with calls-file-format payloads', async () => {
    const text = '{ "_custAccount": "US-001", "name": "x" }'
    await expect(readCallLine(text, 'payloads')).resolves.toEqual({
      call: expect.objectContaining({ name: undefined, serviceName: undefined, payload: text })
    })
  })

  it('sends a record whose keys are all call keys as a payload with payloads: it cannot choose the operation', async () => {
    const text = '{"service-name":"Admin/Purge/PurgeAllCustomers","payload":{"a":1}}'
    await expect(readCallLine(text, 'payloads')).resolves.toEqual({
      call: expect.objectContaining({ serviceName: undefined, payload: text })
    })
  })

  it('reads a call line with a payload-file (calls-file-format: calls)', async () => {
    await expect(readCallLine('{"payload-file":"p/7.json"}', 'calls')).resolves.toEqual({
      call: expect.objectContaining({ payload: undefined, payloadFile: 'p/7.json' })
    })
  })

  it('refuses a call with both payload and payload-file, naming both', async () => {
    await expect(
      readCallLine('{"service-name":"G/S/O","payload":{},"payload-file":"p.json"}', 'calls')
    ).resolves.toEqual({
      problem:
        "give 'payload' or 'payload-file', not both: payload-file names a file of the payload"
    })
  })

  it('keeps the number literals of an object payload in a call line, as written', async () => {
    const payload = '{ "RecId": 9223372036854775807, "Amount": 1234567890123456.78, "Big": 1e400 }'
    await expect(
      readCallLine(`{"service-name":"G/S/O","payload":${payload}}`, 'calls')
    ).resolves.toEqual({ call: expect.objectContaining({ payload }) })
  })

  it('refuses a call line whose payload nests deeper than 512 levels, without overflowing the stack', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`
    await expect(
      readCallLine(`{"service-name":"G/S/O","payload":${deep}}`, 'calls')
    ).resolves.toEqual({ problem: "'payload' is nested deeper than 512 levels" })
  })

  it.each([
    ['not JSON', '{"a":1', 'calls', /^not valid JSON: .* at line 1, column 7 \(position 6\)$/],
    ['a list as payload', '[1,2]', 'payloads', /^expected a JSON object; got a list$/],
    [
      'a list as call',
      '[1,2]',
      'calls',
      /^expected an object with name, service-name, .*; got a list$/
    ],
    ['an unknown key', '{"service-name":"G/S/O","x":1}', 'calls', /^unknown key 'x'/]
  ] as const)('says why a line is %s', async (_, text, format, problem) => {
    const read = await readCallLine(text, format)
    expect(read).toEqual({ problem: expect.stringMatching(problem) })
  })
})

describe('readCallsFile and countCallLines', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'calls-file-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function readAll(file: string, payloads: boolean, maxLineBytes?: number) {
    const found: FileCall[] = []
    const format = payloads ? 'payloads' : 'calls'
    for await (const entry of readCallsFile(file, { format, maxLineBytes })) found.push(entry)
    return found
  }

  it('yields each non-blank line with its number, a bad line as a problem, and counts the same', async () => {
    const file = path.join(dir, 'calls.jsonl')
    await writeFile(
      file,
      '\uFEFF{"_n":1}\r\n\n   \n{"_n":2\n' + `{"_n":"${'x'.repeat(100)}"}\n` + '{"_n":4}'
    )
    const found = await readAll(file, true, 64)
    expect(found).toEqual([
      { line: 1, call: expect.objectContaining({ payload: '{"_n":1}' }) },
      { line: 4, problem: expect.stringMatching(/^not valid JSON/) },
      { line: 5, problem: 'longer than 64 bytes, the most one line may hold' },
      { line: 6, call: expect.objectContaining({ payload: '{"_n":4}' }) }
    ])
    await expect(countCallLines(file)).resolves.toBe(4)
  })

  it('fails a line that is not valid UTF-8 on its own, naming the byte and its offset', async () => {
    const file = path.join(dir, 'latin1.jsonl')
    const bad = Buffer.concat([
      Buffer.from('{"name":"M'),
      Buffer.from([0xfc]),
      Buffer.from('ller"}')
    ])
    await writeFile(
      file,
      Buffer.concat([Buffer.from('{"n":1}\n'), bad, Buffer.from('\n{"n":"ü"}\n')])
    )
    expect(await readAll(file, true)).toEqual([
      { line: 1, call: expect.objectContaining({ payload: '{"n":1}' }) },
      {
        line: 2,
        problem: 'not valid UTF-8 (JSON Lines is UTF-8): byte 0xFC at byte offset 10 of the line'
      },
      { line: 3, call: expect.objectContaining({ payload: '{"n":"ü"}' }) }
    ])
    await expect(countCallLines(file)).resolves.toBe(3)
  })

  it('counts a file ending in a newline, an empty file and a lone BOM', async () => {
    const cases: [string, number][] = [
      ['{}\n{}\n', 2],
      ['', 0],
      ['\uFEFF', 0],
      ['\n \t\r\n', 0]
    ]
    for (const [text, count] of cases) {
      const file = path.join(dir, `count-${count}-${text.length}.jsonl`)
      await writeFile(file, text)
      await expect(countCallLines(file)).resolves.toBe(count)
      expect(await readAll(file, true)).toHaveLength(count)
    }
  })

  it('reads a line of white space JSON does not allow (U+00A0, \\v, \\f) as a failed call, as it counts it', async () => {
    const file = path.join(dir, 'odd-space.jsonl')
    await writeFile(file, '\u00A0\n\v\n{"a":1}\n\f\n')
    const found = await readAll(file, true)
    expect(found.map(entry => ('problem' in entry ? entry.line : -entry.line))).toEqual([
      1, 2, -3, 4
    ])
    expect(found.filter(entry => 'problem' in entry)).toEqual(
      [1, 2, 4].map(line => ({ line, problem: expect.stringMatching(/^not valid JSON/) }))
    )
    await expect(countCallLines(file)).resolves.toBe(found.length)
  })

  it('stops reading when the consumer stops, closing the file', async () => {
    const file = path.join(dir, 'many.jsonl')
    await writeFile(file, '{"a":1}\n'.repeat(100_000))
    const found: FileCall[] = []
    for await (const entry of readCallsFile(file, { format: 'payloads' })) {
      found.push(entry)
      if (found.length === 3) break
    }
    expect(found.map(entry => entry.line)).toEqual([1, 2, 3])
  })
})
