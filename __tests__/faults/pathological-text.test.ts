import { beforeAll, describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectFailure } from '../../__fixtures__/run-assertions.js'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// Error text is bounded before any pattern runs on it: bodies built to make a regular
// expression backtrack (a 256 KiB body of '<' once took 25 s, 1 MiB 521 s) become the error
// line as fast as any other. A quadratic step on these sizes would take hours; the step is
// killed after 20 s.

const token = 'pathological-token-2b7c91'
const app = { clientId: 'pathological-app', clientSecret: 'pathological-secret~Vn.4_82' }
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const MiB = 1024 * 1024

const sim = useSimulator({ clients: [app], staticTokens: [token] })

function call(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}', ...inputs }
  })
}

// The action's own start-up and a 10 MiB transfer take well under a second; a pass over the body
// that is not linear takes minutes to hours (a 256 KiB body of '<' once took 25 s). The bound sits
// between the two, with room for a starved machine; on one so loaded that an ordinary failed call
// takes longer, it grows with it.
let ActionMs = 10_000
beforeAll(async () => {
  sim().script(sessionInfo, { status: 500, body: '<html><title>ordinary</title></html>' })
  const ordinary = await call()
  ActionMs = Math.max(ActionMs, 3 * ordinary.durationMs)
})

describe('F&O error bodies built to backtrack', () => {
  it.each([
    ['10 MiB of <', Buffer.alloc(10 * MiB, '<'), 'text/html'],
    ['10 MiB of <title without an end', Buffer.from('<title'.repeat((10 * MiB) / 6)), 'text/html'],
    ['10 MiB of white space', Buffer.from(`a${' '.repeat(10 * MiB)}b`), 'text/plain'],
    [
      '10 MiB of white space in a JSON Message',
      Buffer.from(JSON.stringify({ Message: `a${' \t'.repeat(5 * MiB)}b` })),
      'application/json'
    ]
  ])('%s: the error line comes in seconds, not minutes', async (_name, body, contentType) => {
    sim().script(sessionInfo, { status: 500, body, headers: { 'content-type': contentType } })
    const run = await call()

    expectFailure(run, /^POST \S+ failed: HTTP 500 Internal Server Error( — .{1,300})?$/)
    expect(run.durationMs).toBeLessThan(ActionMs)
  })
})

describe('token endpoint error text built to backtrack', () => {
  it.each([
    [
      "an AADSTS code followed by 900 KiB of white space and no 'Trace ID:'",
      { error: 'invalid_client', error_description: `AADSTS7000215:${' '.repeat(900 * 1024)}x` }
    ],
    [
      '900 KiB of < in error_description',
      { error: 'invalid_client', error_description: '<'.repeat(900 * 1024) }
    ]
  ])('%s: the sign-in failure comes in seconds, not minutes', async (_name, body) => {
    sim().script('token', { status: 401, body })
    const run = await call({ token: '', ...clientSecretInputs(sim(), app) })

    expectFailure(run, /^Token request to \S+ failed: /)
    expect(run.durationMs).toBeLessThan(ActionMs)
  })
})
