import { describe, expect, it } from '@jest/globals'
import type { InvokeResult } from '../../src/call/invoker.js'
import {
  expressionProblem,
  isTruthy,
  judgeAnswer,
  type OutcomeChecks,
  type Verdict
} from '../../src/call/outcome-check.js'

const Label = 'POST https://h/api/services/G/S/O'

/** A finished call whose final answer is `status` with `body`. */
function answer(
  status: number | undefined,
  body: string | undefined,
  extra: Partial<InvokeResult> = {}
): InvokeResult {
  const head = body === undefined ? undefined : Buffer.from(body)
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: head === undefined ? undefined : { bytes: head.length, head, file: '/fake' },
    attempts: 1,
    waitedMs: 0,
    elapsedMs: 5,
    failure:
      status === undefined
        ? { kind: 'transport', message: `${Label} failed: ECONNRESET: socket hang up` }
        : status >= 200 && status < 300
          ? undefined
          : { kind: 'http', status, message: `${Label} failed: HTTP ${status}` },
    ...extra
  }
}

/** judgeAnswer with a failure reduced to its line, as most tests compare it. */
async function judged(
  result: InvokeResult,
  outcomeChecks: OutcomeChecks
): Promise<Verdict | { state: 'failed'; failure: string }> {
  const verdict = await judgeAnswer(result, outcomeChecks)
  return verdict.state === 'failed'
    ? { state: 'failed', failure: verdict.failure.message }
    : verdict
}

function checks(extra: Partial<OutcomeChecks> = {}): OutcomeChecks {
  return {
    label: Label,
    successWhen: undefined,
    failWhen: undefined,
    until: undefined,
    maskResponse: false,
    retryOn: { unavailable: false, network: false },
    ...extra
  }
}

const ResultFalse = JSON.stringify({
  $id: '1',
  Result: false,
  InfoMessages: [{ Type: 'Error', Text: 'Journal GEN-000123 is not balanced.' }],
  Secret: 'the rest of the body stays out of messages'
})

describe('expressionProblem', () => {
  it('accepts JMESPath and names what is wrong with anything else', async () => {
    await expect(expressionProblem("Status == 'Succeeded'")).resolves.toBeUndefined()
    await expect(expressionProblem('Result == `true`')).resolves.toBeUndefined()
    await expect(expressionProblem('Result ==')).resolves.toMatch(/^Syntax error/)
  })
})

describe('isTruthy (JMESPath)', () => {
  it('counts false, null, empty strings, arrays and objects as false, and 0 as true', () => {
    const values = [false, null, undefined, '', [], {}, true, 0, 'x', [0], { a: null }]
    expect(values.map(isTruthy)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true
    ])
  })
})

describe('judgeAnswer without expressions', () => {
  it('passes a 2xx answer and fails any other with the invoker’s line', async () => {
    await expect(judged(answer(200, '{}'), checks())).resolves.toEqual({
      state: 'done',
      seen: undefined
    })
    await expect(judged(answer(500, '{}'), checks())).resolves.toEqual({
      state: 'failed',
      failure: `${Label} failed: HTTP 500`
    })
  })

  it('passes an empty 2xx answer (an operation that returns nothing)', async () => {
    await expect(judged(answer(204, ''), checks())).resolves.toMatchObject({ state: 'done' })
  })

  it.each([
    ['declared text/html', { 'content-type': 'text/html; charset=utf-8' }, 'Sign in'],
    ['an HTML document', { 'content-type': 'application/octet-stream' }, 'Sign in'],
    ['a page without a title', { 'content-type': 'text/html' }, undefined]
  ])('fails a 2xx answer that is %s, saying so', async (_, headers, title) => {
    const page = `<!DOCTYPE html>\n<html><head>${title === undefined ? '' : `<title>${title} to your account</title>`}</head></html>`
    const verdict = await judged(answer(200, page, { headers }), checks())
    expect(verdict).toEqual({
      state: 'failed',
      failure:
        `${Label} failed: HTTP 200 with an HTML page${title === undefined ? '' : " ('Sign in to your account')"} instead of JSON — ` +
        "a sign-in or error page after a redirect? Check 'url' and 'system-url'"
    })
  })

  it('leaves the page title out with mask-response', async () => {
    const page = '<html><title>Contoso payroll</title></html>'
    const verdict = await judged(answer(200, page), checks({ maskResponse: true }))
    expect(verdict).toMatchObject({ state: 'failed' })
    expect(JSON.stringify(verdict)).not.toContain('payroll')
  })
})

describe('success-when', () => {
  it('fails a Result:false answer, naming the expression and what it evaluated to, not the body', async () => {
    const verdict = await judged(answer(200, ResultFalse), checks({ successWhen: 'Result' }))
    expect(verdict).toEqual({
      state: 'failed',
      failure: `${Label} failed: success-when 'Result' evaluated to false (HTTP 200; Result = false) — F&O says: Journal GEN-000123 is not balanced.`
    })
  })

  it('shows the value once when the expression reads no field', async () => {
    const verdict = await judged(answer(200, '[]'), checks({ successWhen: '@' }))
    expect(verdict).toEqual({
      state: 'failed',
      failure: `${Label} failed: success-when '@' evaluated to [] (HTTP 200)`
    })
  })

  it('never quotes the rest of the body', async () => {
    const verdict = await judged(
      answer(200, ResultFalse),
      checks({ successWhen: "InfoMessages[?Type=='Error'] | length(@) == `0`" })
    )
    expect(verdict).toMatchObject({ state: 'failed' })
    expect(JSON.stringify(verdict)).not.toContain('the rest of the body')
  })

  it('passes when it holds', async () => {
    const body = JSON.stringify({ Result: true })
    await expect(
      judged(answer(200, body), checks({ successWhen: 'Result == `true`' }))
    ).resolves.toMatchObject({ state: 'done' })
  })

  it('shows no value with mask-response', async () => {
    const verdict = await judged(
      answer(200, JSON.stringify({ Result: 'payroll-secret-value' })),
      checks({ successWhen: "Result == 'ok'", maskResponse: true })
    )
    expect(verdict).toEqual({
      state: 'failed',
      failure: `${Label} failed: success-when 'Result == 'ok'' did not hold (value not shown: mask-response; HTTP 200)`
    })
  })

  it.each([
    [
      'text',
      'Done.',
      'the answer (HTTP 200, application/json; charset=utf-8, 5 bytes) is not JSON'
    ],
    ['nothing', '', 'the answer (HTTP 200) is empty']
  ])('fails clearly on a 2xx answer of %s', async (_, body, problem) => {
    await expect(judged(answer(200, body), checks({ successWhen: 'Result' }))).resolves.toEqual({
      state: 'failed',
      failure: `${Label} failed: ${problem}, so success-when cannot be checked`
    })
  })

  it('fails clearly on a body larger than it can read', async () => {
    const result = answer(200, '{}')
    const big = { ...result, body: { bytes: 2 * 1024 * 1024, head: Buffer.from('{'), file: '/f' } }
    await expect(judged(big, checks({ successWhen: 'Result' }))).resolves.toEqual({
      state: 'failed',
      failure: `${Label} failed: the answer is 2097152 bytes, more than the 1 MiB an expression can read, so success-when cannot be checked`
    })
  })

  it('says when the expression cannot be evaluated on this answer', async () => {
    const verdict = await judged(
      answer(200, '{"Count":3}'),
      checks({ successWhen: 'length(Count)' })
    )
    expect(verdict).toMatchObject({
      state: 'failed',
      failure: expect.stringMatching(
        /^POST \S+ failed: success-when 'length\(Count\)' could not be evaluated: .*length\(\)/
      )
    })
  })

  it('is not evaluated on a failed answer, whose own failure stands', async () => {
    await expect(
      judged(answer(500, '{"Result":true}'), checks({ successWhen: 'Result' }))
    ).resolves.toEqual({ state: 'failed', failure: `${Label} failed: HTTP 500` })
  })
})

describe('fail-when', () => {
  it('fails any answer on which it is true, 2xx or not, showing the value', async () => {
    const failWhen = "InfoMessages[?Type=='Error'].Text"
    await expect(judged(answer(200, ResultFalse), checks({ failWhen }))).resolves.toEqual({
      state: 'failed',
      failure: `${Label} failed: fail-when '${failWhen}' evaluated to ["Journal GEN-000123 is not balanced."] (HTTP 200; InfoMessages = [{"Type":"Error","Text":"Journal GEN-000123 is not balanced."}]) — F&O says: Journal GEN-000123 is not balanced.`
    })
    await expect(judged(answer(404, ResultFalse), checks({ failWhen }))).resolves.toMatchObject({
      state: 'failed',
      failure: expect.stringMatching(
        /^POST \S+ failed: fail-when '.*' evaluated to \["Journal GEN-000123 is not balanced\."\] \(HTTP 404; /
      )
    })
  })

  it('passes when it is false', async () => {
    await expect(
      judged(answer(200, '{"Status":"Executing"}'), checks({ failWhen: "Status == 'Failed'" }))
    ).resolves.toMatchObject({ state: 'done' })
  })

  it('leaves a failed answer that is not JSON to its own failure', async () => {
    await expect(
      judged(answer(502, '<html>Bad gateway</html>'), checks({ failWhen: 'x' }))
    ).resolves.toEqual({ state: 'failed', failure: `${Label} failed: HTTP 502` })
  })
})

describe('until (polling)', () => {
  const polling = (extra: Partial<OutcomeChecks> = {}): OutcomeChecks =>
    checks({ until: "Status == 'Succeeded'", ...extra })

  it('shows what it saw: done on a true value, not yet on a false one', async () => {
    await expect(
      judged(answer(200, '{"Status":"Executing"}'), polling({ until: 'Status' }))
    ).resolves.toMatchObject({ state: 'done', seen: 'Status = "Executing"' })
    await expect(judged(answer(200, '{"Status":"Executing"}'), polling())).resolves.toEqual({
      state: 'not-yet',
      seen: 'Status = "Executing"'
    })
  })

  it('is done when the condition holds', async () => {
    await expect(judged(answer(200, '{"Status":"Succeeded"}'), polling())).resolves.toEqual({
      state: 'done',
      seen: 'Status = "Succeeded"'
    })
  })

  it('hides what it saw with mask-response', async () => {
    await expect(
      judged(answer(200, '{"Status":"Executing"}'), polling({ maskResponse: true }))
    ).resolves.toEqual({ state: 'not-yet', seen: 'Status not shown (mask-response)' })
  })

  it('checks success-when once until holds', async () => {
    const verdict = await judged(
      answer(200, '{"Status":"Succeeded","Result":false}'),
      polling({ successWhen: 'Result' })
    )
    expect(verdict).toMatchObject({
      state: 'failed',
      failure: expect.stringContaining('success-when')
    })
  })

  it('lets fail-when stop the polling early', async () => {
    await expect(
      judged(answer(200, '{"Status":"Failed"}'), polling({ failWhen: "Status == 'Failed'" }))
    ).resolves.toMatchObject({ state: 'failed' })
  })

  it('counts 404 as not yet', async () => {
    await expect(judged(answer(404, '{"Message":"No job"}'), polling())).resolves.toEqual({
      state: 'not-yet',
      seen: 'HTTP 404'
    })
  })

  it('counts a 429 that outlasted retry-timeout as not yet', async () => {
    await expect(
      judged(answer(429, '', { retryClass: 'throttled' }), polling())
    ).resolves.toMatchObject({ state: 'not-yet' })
  })

  it('counts 503 and connection failures as not yet only when retry-on lists them', async () => {
    const unavailable = answer(503, '', { retryClass: 'unavailable' })
    const noAnswer = answer(undefined, undefined, { retryClass: 'network' })
    await expect(judged(unavailable, polling())).resolves.toMatchObject({ state: 'failed' })
    await expect(judged(noAnswer, polling())).resolves.toMatchObject({ state: 'failed' })
    const listed = polling({ retryOn: { unavailable: true, network: true } })
    await expect(judged(unavailable, listed)).resolves.toEqual({
      state: 'not-yet',
      seen: 'HTTP 503'
    })
    await expect(judged(noAnswer, listed)).resolves.toEqual({
      state: 'not-yet',
      seen: 'no answer'
    })
  })

  it('fails on any other failed answer', async () => {
    await expect(judged(answer(500, '{}'), polling())).resolves.toEqual({
      state: 'failed',
      failure: `${Label} failed: HTTP 500`
    })
  })

  it('fails clearly when a 2xx answer is not JSON', async () => {
    await expect(judged(answer(200, 'Executing'), polling())).resolves.toMatchObject({
      state: 'failed',
      failure: expect.stringMatching(/is not JSON, so until cannot be checked$/)
    })
  })
})

describe('the kind of a failure', () => {
  it('is check, with the status of the answer, for a check that did not hold', async () => {
    const verdict = await judgeAnswer(
      answer(200, ResultFalse),
      checks({ successWhen: 'Result', until: undefined })
    )
    expect(verdict).toMatchObject({ state: 'failed', failure: { kind: 'check', status: 200 } })
    const html = await judgeAnswer(
      answer(200, '<html><title>x</title></html>', { headers: { 'content-type': 'text/html' } }),
      checks()
    )
    expect(html).toMatchObject({ state: 'failed', failure: { kind: 'check', status: 200 } })
  })

  it('stays what the call said when the answer itself failed', async () => {
    await expect(judgeAnswer(answer(500, '{}'), checks())).resolves.toEqual({
      state: 'failed',
      failure: { kind: 'http', status: 500, message: `${Label} failed: HTTP 500` }
    })
    await expect(judgeAnswer(answer(undefined, undefined), checks())).resolves.toMatchObject({
      state: 'failed',
      failure: { kind: 'transport' }
    })
  })
})

describe("checks against the answer's keys", () => {
  /** judgeAnswer, with the lines it logs. */
  async function logged(result: InvokeResult, outcomeChecks: OutcomeChecks) {
    const info: string[] = []
    const warnings: string[] = []
    const verdict = await judgeAnswer(result, outcomeChecks, {
      info: line => info.push(line),
      warning: line => warnings.push(line)
    })
    return {
      verdict: verdict.state === 'failed' ? { failed: verdict.failure.message } : verdict,
      info,
      warnings
    }
  }
  const Job = JSON.stringify({ $id: '1', JobId: 'j-1', Status: 'Executing', Message: '' })

  it.each([
    ['until', { until: "status == 'Succeeded'" }, "until 'status == 'Succeeded'' reads 'status'"],
    [
      'fail-when',
      { failWhen: "status == 'Failed'" },
      "fail-when 'status == 'Failed'' reads 'status'"
    ],
    ['success-when', { successWhen: '!status' }, "success-when '!status' reads 'status'"]
  ])('fails %s at once on a field the answer has in other letter case', async (_, extra, reads) => {
    const { verdict } = await logged(answer(200, Job), checks(extra))
    expect(verdict).toEqual({
      failed: `${Label} failed: ${reads}; the answer (HTTP 200) has 'Status' — JMESPath is case-sensitive`
    })
  })

  it('compares the fields read from list elements with the keys of those elements', async () => {
    const { verdict } = await logged(
      answer(200, ResultFalse),
      checks({ failWhen: "InfoMessages[?type=='Error']" })
    )
    expect(verdict).toEqual({
      failed: `${Label} failed: fail-when 'InfoMessages[?type=='Error']' reads 'InfoMessages[].type'; the answer (HTTP 200) has 'Type' — JMESPath is case-sensitive`
    })
  })

  it('fails until at once, listing the keys, when the answer lacks the field it reads', async () => {
    const { verdict } = await logged(answer(200, Job), checks({ until: "State == 'Succeeded'" }))
    expect(verdict).toEqual({
      failed: `${Label} failed: until 'State == 'Succeeded'' reads 'State', which the answer (HTTP 200) does not have (its keys: $id, JobId, Status, Message), so it would never hold: polling stopped`
    })
  })

  it('explains an answer whose Message is a list nested 200,000 deep without overflowing the stack', async () => {
    const deep = `{"Status":"Executing","Message":${'['.repeat(200_000)}"x"${']'.repeat(200_000)}}`
    const polled = await logged(answer(200, deep), checks({ until: "Status == 'Done'" }))
    expect(polled.verdict).toMatchObject({ state: 'not-yet' })
    const judged = await logged(answer(200, deep), checks({ successWhen: "Status == 'Done'" }))
    expect(judged.verdict).toEqual({
      failed: `${Label} failed: success-when 'Status == 'Done'' evaluated to false (HTTP 200; Status = "Executing")`
    })
  })

  it('fails until at once when it holds only because the answer lacks every field it reads (a typo)', async () => {
    const { verdict } = await logged(answer(200, Job), checks({ until: "Staus != 'Executing'" }))
    expect(verdict).toEqual({
      failed: `${Label} failed: until 'Staus != 'Executing'' reads 'Staus', which the answer (HTTP 200) does not have (its keys: $id, JobId, Status, Message), so it holds on any answer: polling stopped`
    })
  })

  it('lets until hold when a field it reads is there, though another is missing', async () => {
    const { verdict } = await logged(
      answer(200, Job),
      checks({ until: "Status == 'Executing' || ErrorCode" })
    )
    expect(verdict).toMatchObject({ state: 'done' })
  })

  it('warns when success-when holds only because the answer lacks every field it reads', async () => {
    const { verdict, warnings } = await logged(
      answer(200, Job),
      checks({ successWhen: "Staus != 'Error'" })
    )
    expect(verdict).toMatchObject({ state: 'done' })
    expect(warnings).toEqual([
      "success-when 'Staus != 'Error'' holds only because the answer (HTTP 200) has no 'Staus' (its keys: $id, JobId, Status, Message): a misspelt field would hold too"
    ])
  })

  it('warns when fail-when reads only fields the answer lacks: it cannot hold', async () => {
    const { verdict, warnings, info } = await logged(
      answer(200, Job),
      checks({ failWhen: "Outcome == 'Failed'" })
    )
    expect(verdict).toEqual({ state: 'done', seen: undefined })
    expect(info).toEqual(["fail-when 'Outcome == 'Failed'': Outcome = (missing) → does not hold"])
    expect(warnings).toEqual([
      "fail-when 'Outcome == 'Failed'' cannot hold on this answer: it reads 'Outcome', which the answer (HTTP 200) does not have (its keys: $id, JobId, Status, Message)"
    ])
  })

  it('says so when success-when fails because a field is missing', async () => {
    const { verdict } = await logged(answer(200, Job), checks({ successWhen: 'Result' }))
    expect(verdict).toEqual({
      failed: `${Label} failed: success-when 'Result' evaluated to null (HTTP 200; Result = (missing); the answer has no 'Result' (its keys: $id, JobId, Status, Message))`
    })
  })

  it('logs one line per check with the fields it read and the verdict', async () => {
    const { info } = await logged(
      answer(200, JSON.stringify({ Result: true, InfoMessages: [] })),
      checks({ successWhen: 'Result == `true`', failWhen: 'InfoMessages' })
    )
    expect(info).toEqual([
      "fail-when 'InfoMessages': InfoMessages = [] → does not hold",
      "success-when 'Result == `true`': Result = true → holds"
    ])
  })

  it("puts F&O's message fields into a failed check, in any letter case", async () => {
    const body = JSON.stringify({
      result: false,
      infolog: ['Posting stopped.', { text: 'Account 1101 is closed.' }],
      ERRORMESSAGE: 'Voucher GEN-2 not posted.'
    })
    const { verdict } = await logged(answer(200, body), checks({ failWhen: 'result == `false`' }))
    expect(verdict).toEqual({
      failed: `${Label} failed: fail-when 'result == \`false\`' evaluated to true (HTTP 200; result = false) — F&O says: Posting stopped.; Account 1101 is closed.; Voucher GEN-2 not posted.`
    })
  })

  it('shows neither values, keys nor F&O words with mask-response', async () => {
    const body = JSON.stringify({ Result: false, Message: 'payroll of Jane Doe' })
    const masked = checks({ failWhen: 'Result == `false`', maskResponse: true })
    const { verdict, info } = await logged(answer(200, body), masked)
    expect(JSON.stringify([verdict, info])).not.toMatch(/Jane|false\W*→|Message/)
    const until = await logged(answer(200, body), checks({ until: 'Done', maskResponse: true }))
    expect(JSON.stringify(until.verdict)).not.toMatch(/Jane|Message/)
  })
})
