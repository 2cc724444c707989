import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { bodyPreview, writeSummary, type SummaryFacts } from '../../src/summary.js'

// writeSummary only uses core.summary, so the real one runs and writes to a temp file.
const KiB = 1024

describe('bodyPreview', () => {
  it('pretty-prints JSON', () => {
    const body = Buffer.from('{"a":1,"b":[true,null]}')
    expect(bodyPreview(body, body.length)).toBe(
      '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}'
    )
  })

  it('shows text that is not JSON as received', () => {
    const body = Buffer.from('<html>oops</html>')
    expect(bodyPreview(body, body.length)).toBe('<html>oops</html>')
  })

  it('shows a body of exactly 64 KiB whole, without a note', () => {
    const body = Buffer.alloc(64 * KiB, 'x')
    expect(bodyPreview(body, body.length)).toBe('x'.repeat(64 * KiB))
  })

  it('cuts a larger body at 64 KiB and says how much there was', () => {
    const body = Buffer.from(JSON.stringify({ data: 'y'.repeat(70 * KiB) }))
    const preview = bodyPreview(body, 5_000_000)
    expect(preview).toBe(
      `${body.subarray(0, 64 * KiB).toString()}\n… (first 65536 of 5000000 bytes)`
    )
  })
})

describe('writeSummary', () => {
  let directory: string
  let file: string
  const saved = process.env['GITHUB_STEP_SUMMARY']
  const facts: SummaryFacts = {
    serviceName: 'G/S/O',
    method: 'POST',
    status: 200,
    attempts: 3,
    elapsedMs: 4_321,
    waitedMs: 2_000,
    responseBytes: 15,
    bodyHead: Buffer.from('{"answer":"<b>"}'),
    error: undefined
  }

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'unit-summary-'))
    file = path.join(directory, 'step-summary.md')
  })

  beforeEach(async () => {
    await writeFile(file, '')
    process.env['GITHUB_STEP_SUMMARY'] = file
  })

  afterAll(async () => {
    if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY']
    else process.env['GITHUB_STEP_SUMMARY'] = saved
    await rm(directory, { recursive: true, force: true })
  })

  it('is skipped without GITHUB_STEP_SUMMARY', async () => {
    delete process.env['GITHUB_STEP_SUMMARY']
    await expect(writeSummary(facts)).resolves.toBeUndefined()
    expect(await readFile(file, 'utf8')).toBe('')
  })

  it('writes a table with method, status, attempts and times, and the body preview', async () => {
    await writeSummary(facts)
    const written = await readFile(file, 'utf8')
    expect(written).toContain('<h3>D365 F&amp;O: G/S/O</h3>')
    expect(written).toContain(
      '<tr><th>Method</th><th>Status</th><th>Attempts</th><th>Elapsed</th><th>Retries waited</th><th>Response size</th></tr>'
    )
    expect(written).toContain(
      '<tr><td>POST</td><td>200</td><td>3</td><td>4321 ms</td><td>2 s</td><td>15 bytes</td></tr>'
    )
    expect(written).toContain('<summary>Response body</summary>')
    expect(written).toContain('<pre>{\n  "answer": "&lt;b&gt;"\n}</pre>')
  })

  it('says when no answer came, and shows the error escaped', async () => {
    await writeSummary({
      ...facts,
      status: undefined,
      attempts: 1,
      responseBytes: 0,
      bodyHead: Buffer.alloc(0),
      error: 'POST https://h/x failed: <ECONNREFUSED> & more'
    })
    const written = await readFile(file, 'utf8')
    expect(written).toContain('<td>POST</td><td>no response</td><td>1</td>')
    expect(written).toContain('**Error:** POST https://h/x failed: &lt;ECONNREFUSED&gt; &amp; more')
    expect(written).not.toContain('Response body')
  })

  it('leaves the body out when bodyHead is undefined (mask-response)', async () => {
    await writeSummary({ ...facts, bodyHead: undefined })
    const written = await readFile(file, 'utf8')
    expect(written).toContain('Response body not shown (mask-response).')
    expect(written).not.toContain('answer')
  })
})
