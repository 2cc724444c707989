import { describe, expect, it } from '@jest/globals'
import { createTally } from '../../src/many/call-tally.js'
import { callsSummaryHtml, code } from '../../src/report/calls-summary.js'
import type { CallResult } from '../../src/many/results-file.js'

function result(index: number, fields: Partial<CallResult> = {}): CallResult {
  return {
    name: `call ${index}`,
    index,
    line: undefined,
    serviceName: 'G/S/O',
    status: 200,
    attempts: 1,
    elapsedMs: 10,
    activityId: undefined,
    error: undefined,
    responseJson: undefined,
    responseFile: undefined,
    ...fields
  }
}

describe('callsSummaryHtml', () => {
  it('shows a row per call in input order, then the totals and the results file', () => {
    const tally = createTally()
    tally.add(result(2, { status: 500, attempts: 3, elapsedMs: 1234.5, error: 'HTTP 500' }))
    tally.add(result(1, { name: 'Session' }))
    const html = callsSummaryHtml({
      tally: tally.snapshot(),
      elapsedMs: 2500,
      resultsFile: '/runner/temp/results.jsonl'
    })
    expect(html).toBe(
      '<h3>D365 F&amp;O: 2 calls</h3>\n' +
        '<table><thead><tr><th>#</th><th>Name</th><th>Service</th><th>Status</th><th>Attempts</th><th>Elapsed</th><th>Result</th></tr></thead>\n' +
        '<tbody>\n' +
        '<tr><td>1</td><td><code>Session</code></td><td><code>G/S/O</code></td><td>200</td><td>1</td><td>10 ms</td><td>✅ ok</td></tr>\n' +
        '<tr><td>2</td><td><code>call 2</code></td><td><code>G/S/O</code></td><td>500</td><td>3</td><td>1235 ms</td><td>❌ <code>HTTP 500</code></td></tr>\n' +
        '</tbody></table>\n' +
        '<p><strong>1 succeeded, 1 failed</strong> of 2 in 2.5 s. Results: <code>/runner/temp/results.jsonl</code></p>\n'
    )
  })

  it('stops at 100 rows and says so', () => {
    const tally = createTally()
    for (let index = 1; index <= 150; index++) tally.add(result(index))
    const html = callsSummaryHtml({ tally: tally.snapshot(), elapsedMs: 61_000, resultsFile: 'r' })
    expect(html.match(/<tr><td>/g)).toHaveLength(100)
    expect(html).toContain(
      '<p>The first 100 of 150 calls are shown; every call is in the results file.</p>'
    )
    expect(html).toContain('of 150 in 61 s.')
  })

  it('shows a failed line of a calls-file without a service or status', () => {
    const tally = createTally()
    tally.add(
      result(1, {
        serviceName: undefined,
        status: undefined,
        attempts: 0,
        error: 'line 1: not valid JSON'
      })
    )
    const html = callsSummaryHtml({ tally: tally.snapshot(), elapsedMs: 0, resultsFile: 'r' })
    expect(html).toContain('<td></td><td>–</td><td>0</td>')
  })
})

describe('code', () => {
  it('renders hostile text inert: escaped, one line, no controls, no mention', () => {
    expect(
      code(
        '<img src=x onerror=alert(1)> & "q" \'s\' @octocat\r\n::error::x\u001b[31mred\u202eevil\u0000'
      )
    ).toBe(
      '<code>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;s&#39; &#64;octocat ::error::xredevil</code>'
    )
  })

  it('cuts long text', () => {
    expect(code('x'.repeat(1000))).toBe(`<code>${'x'.repeat(299)}…</code>`)
  })
})
