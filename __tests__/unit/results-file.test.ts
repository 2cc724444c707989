import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, open, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { openResultsWriter, resultLine, type CallResult } from '../../src/many/results-file.js'
import { posixOnly } from '../../__fixtures__/platform.js'

const Ok: CallResult = {
  name: 'Session',
  index: 1,
  line: undefined,
  serviceName: 'G/S/O',
  status: 200,
  attempts: 1,
  elapsedMs: 12.4,
  activityId: undefined,
  error: undefined,
  responseJson: JSON.stringify({ UserId: 'Admin' }),
  responseFile: undefined
}

describe('resultLine', () => {
  it('writes every key in kebab case, null when unset, on one line', () => {
    expect(resultLine(Ok)).toBe(
      '{"name":"Session","index":1,"service-name":"G/S/O","status":200,"attempts":1,"elapsed-ms":12,' +
        '"activity-id":null,"error":null,"response":{"UserId":"Admin"},"response-file":null}\n'
    )
  })

  it('adds the line of a calls-file entry, and keeps a line break inside a value escaped', () => {
    const line = resultLine({
      ...Ok,
      line: 17,
      serviceName: undefined,
      status: undefined,
      attempts: 0,
      error: 'line 17: not valid JSON\nsecond line',
      responseJson: undefined,
      responseFile: '/tmp/r/17.json'
    })
    expect(line.split('\n')).toHaveLength(2)
    expect(JSON.parse(line)).toEqual({
      name: 'Session',
      index: 1,
      line: 17,
      'service-name': null,
      status: null,
      attempts: 0,
      'elapsed-ms': 12,
      'activity-id': null,
      error: 'line 17: not valid JSON\nsecond line',
      response: null,
      'response-file': '/tmp/r/17.json'
    })
  })

  it('writes a body nested 30,000 deep as received, on one line, without overflowing the stack', () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`
    const line = resultLine({ ...Ok, responseJson: deep })
    expect(line).toContain(`"response":${deep},"response-file":null}`)
    expect(line.split('\n')).toHaveLength(2)
  })

  it('keeps the number literals and the layout of a pretty-printed body, on one line', () => {
    const body = '{\r\n  "RecId": 9223372036854775807,\n  "Amount": 1234567890123456.78\n}'
    const line = resultLine({ ...Ok, responseJson: body })
    expect(line).toContain(
      '"response":{   "RecId": 9223372036854775807,   "Amount": 1234567890123456.78 },'
    )
    expect(line.split('\n')).toHaveLength(2)
  })
})

describe('openResultsWriter', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'results-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** The results file opened (folders created) as the action opens it before the first request. */
  async function opened(file: string) {
    await mkdir(path.dirname(file), { recursive: true })
    return openResultsWriter({ path: file, handle: await open(file, 'w') }, {})
  }

  /** Adds lines in the given order and returns what the file held after each add. */
  async function writeInOrder(order: number[], maxBufferedBytes?: number) {
    const file = path.join(
      dir,
      `sub-${order.join('-')}-${maxBufferedBytes ?? 'x'}`,
      'results.jsonl'
    )
    await mkdir(path.dirname(file), { recursive: true })
    const writer = await openResultsWriter(
      { path: file, handle: await open(file, 'w') },
      { maxBufferedBytes }
    )
    const seen: string[] = []
    for (const position of order) {
      await writer.add(position, `${position}\n`)
      seen.push((await readFile(file, 'utf8')).replace(/\n/g, ' ').trim())
    }
    await writer.close()
    return { file, seen }
  }

  it('writes in input order, each line as soon as every earlier one is there', async () => {
    const { file, seen } = await writeInOrder([2, 0, 1, 4, 3])
    expect(seen).toEqual(['', '0', '0 1 2', '0 1 2', '0 1 2 3 4'])
    await expect(readFile(file, 'utf8')).resolves.toBe('0\n1\n2\n3\n4\n')
  })

  it('moves waiting lines to a spill file past the memory limit, and removes it when closed', async () => {
    const order = [5, 4, 3, 2, 1, 9, 8, 7, 6, 0]
    const { file, seen } = await writeInOrder(order, 4)
    expect(seen.at(-2)).toBe('')
    await expect(readFile(file, 'utf8')).resolves.toBe(
      Array.from({ length: 10 }, (_, i) => `${i}\n`).join('')
    )
    expect(await readdir(path.dirname(file))).toEqual(['results.jsonl'])
  })

  it('keeps multi-byte text intact through the spill file', async () => {
    const file = path.join(dir, 'utf8', 'results.jsonl')
    await mkdir(path.dirname(file), { recursive: true })
    const writer = await openResultsWriter(
      { path: file, handle: await open(file, 'w') },
      { maxBufferedBytes: 1 }
    )
    await writer.add(2, 'ü€😀\n')
    await writer.add(1, 'æ\n')
    expect((await readdir(path.dirname(file))).sort()).toEqual([
      'results.jsonl',
      'results.jsonl.pending'
    ])
    await writer.add(0, 'a\n')
    await writer.close()
    await expect(readFile(file, 'utf8')).resolves.toBe('a\næ\nü€😀\n')
  })

  posixOnly('never writes through a link left where the spill file goes', async () => {
    const file = path.join(dir, 'linked', 'results.jsonl')
    await mkdir(path.dirname(file), { recursive: true })
    const victim = path.join(dir, 'victim.txt')
    await writeFile(victim, 'keep me')
    await symlink(victim, `${file}.pending`)
    const writer = await openResultsWriter(
      { path: file, handle: await open(file, 'w') },
      { maxBufferedBytes: 1 }
    )
    await writer.add(1, 'b\n')
    await writer.add(0, 'a\n')
    await writer.close()
    await expect(readFile(file, 'utf8')).resolves.toBe('a\nb\n')
    await expect(readFile(victim, 'utf8')).resolves.toBe('keep me')
  })

  it('replaces what the file held, and says which result never came', async () => {
    const file = path.join(dir, 'gap', 'results.jsonl')
    const first = await opened(file)
    await first.add(0, 'old\n')
    await first.close()
    const writer = await opened(file)
    await writer.add(0, 'a\n')
    await writer.add(2, 'c\n')
    await expect(writer.close()).rejects.toThrow(
      'results-file: 1 results wait for the result of call 2, which never came'
    )
    await expect(readFile(file, 'utf8')).resolves.toBe('a\n')
  })
})
