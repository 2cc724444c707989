import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { bodyPreview, writeSummary, type SummaryFacts } from '../../src/report/summary.js'

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
  const call = {
    method: 'POST',
    status: 200,
    attempts: 3,
    elapsedMs: 4_321,
    waitedMs: 2_000,
    polls: 0,
    pollWaitedMs: 0,
    responseBytes: 15
  }
  const facts: SummaryFacts = {
    serviceName: 'G/S/O',
    call,
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
    expect(await writeSummary(facts)).toBeUndefined()
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

  it('calls the waits between polls poll waits, apart from the retries', async () => {
    await writeSummary({ ...facts, call: { ...call, polls: 4, pollWaitedMs: 30_000 } })
    const written = await readFile(file, 'utf8')
    expect(written).toContain(
      '<th>Retries waited</th><th>Polls</th><th>Poll waits</th><th>Response size</th>'
    )
    expect(written).toContain('<td>2 s</td><td>4</td><td>30 s</td><td>15 bytes</td>')
  })

  it('says when no answer came, and shows the error escaped', async () => {
    await writeSummary({
      ...facts,
      call: { ...call, status: undefined, attempts: 1, responseBytes: 0 },
      bodyHead: Buffer.alloc(0),
      error: 'POST https://h/x failed: <ECONNREFUSED> & more'
    })
    const written = await readFile(file, 'utf8')
    expect(written).toContain('<td>POST</td><td>no response</td><td>1</td>')
    expect(written).toContain(
      '**Error:**\n\n<pre>POST https://h/x failed: &lt;ECONNREFUSED&gt; &amp; more</pre>'
    )
    expect(written).not.toContain('Response body')
  })

  it('leaves the body out when bodyHead is undefined (mask-response)', async () => {
    await writeSummary({ ...facts, bodyHead: undefined })
    const written = await readFile(file, 'utf8')
    expect(written).toContain('Response body not shown (mask-response).')
    expect(written).not.toContain('answer')
  })

  it('shows only the heading and the error when the inputs were not valid', async () => {
    await writeSummary({
      serviceName: undefined,
      call: undefined,
      bodyHead: undefined,
      error: "Invalid timeout-sec 'x'."
    })
    const written = await readFile(file, 'utf8')
    expect(written).toContain('<h3>D365 F&amp;O</h3>')
    expect(written).toContain("<pre>Invalid timeout-sec 'x'.</pre>")
    expect(written).not.toContain('<table>')
    expect(written).not.toContain('mask-response')
  })

  it('keeps Markdown, HTML and control characters from a server inert', async () => {
    const hostile =
      '[click](https://evil.example) ![x](https://evil.example/i.png) <img src=x onerror=alert(1)> ' +
      '</pre><script>x</script> **bold** &lt; \u001b[31mred\u001b[0m \u202eevil\u202c \u0007\u0085 tab\there'
    await writeSummary({
      ...facts,
      call: { ...call, status: 500, responseBytes: 400 },
      bodyHead: Buffer.from(`<html>${hostile}\nsecond line</html>`),
      error: `POST https://h/x failed: HTTP 500 — ${hostile}`
    })
    const written = await readFile(file, 'utf8')
    // Every byte of server text sits inside a <pre> block; outside them, only our own markup.
    const outside = written.replace(/<pre>[^<]*<\/pre>/g, '<pre></pre>')
    expect(outside).not.toMatch(/evil|bold|script|img/)
    expect(written.match(/<pre>[^<]*<\/pre>/g)).toHaveLength(2)
    expect(written).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;/pre&gt;&lt;script&gt;')
    expect(written).toContain('&amp;lt;')
    expect(written).toContain(' red ')
    expect(written).toContain('tab\there')
    expect(written).toContain('second line')
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(written).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/)
  })

  it('says why the summary could not be written instead of throwing', async () => {
    // core.summary keeps the first path it was given, so the file itself becomes a folder.
    await rm(file)
    await mkdir(file)
    try {
      expect(await writeSummary(facts)).toMatch(
        /^Could not write the job summary \(GITHUB_STEP_SUMMARY\): EISDIR/
      )
    } finally {
      await rm(file, { recursive: true })
    }
  })
})
