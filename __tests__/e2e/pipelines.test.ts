/**
 * Real pipelines, end to end against the bundle: an operation runs by default, nothing hangs by
 * default, restarts are waited out, answers are checked, long jobs are polled with a token that
 * is renewed, and F&O's error anatomy reaches the error line. Each test asserts what the
 * simulator saw.
 */
import { describe, expect, it } from '@jest/globals'
import type { ActionRun, RunOptions } from '../../scripts/action-runner.mjs'
import { errors, expectFailure, warnings } from '../../__fixtures__/run-assertions.js'
import {
  clientSecretInputs,
  operationRequests,
  serviceRequests,
  staticTokenRunner,
  useSimulator
} from '../../__fixtures__/simulator.js'

const token = 'static-token-pipelines-5e7d'
const app = { clientId: 'pipelines-app', clientSecret: 'pipelines-secret~Q8.x_91' }
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const submit = 'SimTestService/JobService/Submit'
const getStatus = 'SimTestService/JobService/GetStatus'
const validate = 'SimTestService/JournalService/Validate'
const Guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A given token that says it expires in 10 minutes (the simulator accepts it as is). */
const shortLivedJwt = [
  Buffer.from('{"typ":"JWT","alg":"RS256"}').toString('base64url'),
  Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url'),
  'c2lnbmF0dXJl'
].join('.')

const sim = useSimulator({ clients: [app], staticTokens: [token, shortLivedJwt] })

const run = staticTokenRunner(sim, token)
const requestsTo = (operation: string) => operationRequests(sim(), operation)

/** The submit step of "Submit, then wait": runs Submit and returns the job id from `response`. */
async function submitJob(job: Record<string, unknown>): Promise<string> {
  const submitted = await run({ 'service-name': submit, payload: JSON.stringify(job) })
  expect(submitted.exitCode).toBe(0)
  const jobId = (JSON.parse(submitted.outputs['response']) as { JobId: string }).JobId
  expect(jobId).toMatch(Guid)
  return jobId
}

/** The wait step: GetStatus with the job id, polled every second until it succeeds. */
function waitForJob(
  jobId: string,
  inputs: Record<string, string> = {},
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  return run(
    {
      'service-name': getStatus,
      payload: JSON.stringify({ _jobId: jobId }),
      until: "Status == 'Succeeded'",
      'fail-when': "Status == 'Failed'",
      'poll-interval': '1',
      ...inputs
    },
    options
  )
}

describe('method auto', () => {
  it('runs an operation without payload: POST with an empty body', async () => {
    const result = await run({ 'service-name': sessionInfo })

    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs['response'])).toMatchObject({ Company: 'USMF' })
    const [call] = serviceRequests(sim())
    expect(call).toMatchObject({ method: 'POST', path: `/api/services/${sessionInfo}`, body: '' })
    expect(call.headers['content-type']).toBeUndefined()
    expect(result.stdout).not.toContain('the operation is not run')
  })

  it('lists every service group for / with method GET: GET /api/services', async () => {
    const result = await run({ 'service-name': '/', method: 'GET' })

    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs['response'])).toEqual({
      ServiceGroups: expect.arrayContaining([
        { Name: 'UserSessionService' },
        { Name: 'SimTestService' }
      ])
    })
    expect(serviceRequests(sim()).map(r => [r.method, r.path])).toEqual([['GET', '/api/services']])
  })
})

describe('finite defaults', () => {
  it('ends a call throttled for an hour at once: retry-timeout is 15 minutes unless given', async () => {
    sim().script(sessionInfo, { status: 429, headers: { 'Retry-After': '3600' } })
    // With no limit the step would sleep an hour; the harness would kill it after 20 s.
    const result = await run({ 'service-name': sessionInfo }, { killAfterMs: 20_000 })

    expectFailure(
      result,
      /^POST \S+ failed: HTTP 429 Too Many Requests — Retry-After asks for 3600 s but retry-timeout leaves 899\.\d s \(1 attempt\)$/
    )
    expect(requestsTo(sessionInfo)).toHaveLength(1)
  })

  it('applies timeout-sec 300 and retry-timeout 00:15:00 when the workflow gives neither', async () => {
    const result = await run(
      { 'service-name': sessionInfo },
      { env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } }
    )

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^::debug::retry-timeout: 900000 ms; .*timeout: 300000 ms;/m)
  })
})

describe('retry-on', () => {
  // A restart: the first 503 names no wait (back-off: 1 s), the next two ask for 1 s.
  const restarting = () =>
    sim().script(sessionInfo, [
      { status: 503, body: 'Service Unavailable' },
      { status: 503, headers: { 'Retry-After': '1' } },
      { status: 503, headers: { 'Retry-After': '1' } }
    ])

  it('with unavailable, waits out three 503s, then succeeds', async () => {
    restarting()
    const result = await run({ 'service-name': sessionInfo, 'retry-on': 'unavailable' })

    expect(result.exitCode).toBe(0)
    expect(result.outputs['attempts']).toBe('4')
    expect(requestsTo(sessionInfo).map(r => [r.method, r.status])).toEqual([
      ['POST', 503],
      ['POST', 503],
      ['POST', 503],
      ['POST', 200]
    ])
    expect(result.stdout).toMatch(/→ 503, waiting 1 s \(attempt 2, \d+ s left\)/)
    expect(result.stdout).toMatch(/→ 503, waiting 1 s \(attempt 4, \d+ s left\)/)
    const [first, , , last] = requestsTo(sessionInfo)
    expect(last.time - first.time).toBeGreaterThanOrEqual(2_900)
  })

  it('without it, fails at the first 503', async () => {
    restarting()
    const result = await run({ 'service-name': sessionInfo })

    expectFailure(result, /^POST \S+ failed: HTTP 503 Service Unavailable — Service Unavailable$/)
    expect(result.outputs['status']).toBe('503')
    expect(requestsTo(sessionInfo)).toHaveLength(1)
  })

  it('does not re-send a POST reset after it was sent, unless network is listed', async () => {
    sim().script(sessionInfo, { destroy: 'before-headers' })
    const refused = await run({ 'service-name': sessionInfo, 'retry-on': 'unavailable' })

    expectFailure(
      refused,
      /^POST \S+ failed: ECONNRESET: socket hang up — the request may have reached the server, so it was not sent again \(retry-on: network re-sends it when the operation is safe to repeat\)$/
    )
    expect(requestsTo(sessionInfo)).toHaveLength(1)

    sim().reset()
    sim().script(sessionInfo, { destroy: 'before-headers' })
    const resent = await run({ 'service-name': sessionInfo, 'retry-on': 'network' })

    expect(resent.exitCode).toBe(0)
    expect(resent.outputs['attempts']).toBe('2')
    expect(requestsTo(sessionInfo).map(r => r.method)).toEqual(['POST', 'POST'])
    expect(resent.stdout).toContain(
      'no response (ECONNRESET); it may have reached the server, sent again as retry-on lists network, waiting 1 s (attempt 2,'
    )
  })
})

describe('success-when and fail-when', () => {
  it("fails an answer of HTTP 200 with Result false, naming the expression, its value and F&O's words", async () => {
    const result = await run({
      'service-name': validate,
      payload: '{"_journalNum":"GEN-000123"}',
      'success-when': 'Result'
    })

    const line = expectFailure(
      result,
      /^POST \S+\/JournalService\/Validate failed: success-when 'Result' evaluated to false \(HTTP 200; Result = false\) — F&O says: Journal GEN-000123 is not balanced\.$/
    )
    expect(line).not.toContain('$id')
    expect(result.outputs['status']).toBe('200')
    expect(JSON.parse(result.outputs['response'])).toMatchObject({ Result: false })
    expect(requestsTo(validate)).toHaveLength(1)
  })

  it('passes the same check on a balanced journal', async () => {
    const result = await run({
      'service-name': validate,
      payload: '{"_journalNum":"GEN-000124","_balanced":true}',
      'success-when': 'Result'
    })

    expect(result.exitCode).toBe(0)
    expect(result.outputs['error']).toBe('')
  })

  it('shows what fail-when found, but nothing of the body with mask-response', async () => {
    const inputs = {
      'service-name': validate,
      payload: '{"_journalNum":"GEN-000125"}',
      'fail-when': "InfoMessages[?Type=='Error'].Text"
    }
    const shown = await run(inputs)
    expectFailure(
      shown,
      /^POST \S+ failed: fail-when '.+' evaluated to \["Journal GEN-000125 is not balanced\."\] \(HTTP 200; InfoMessages = .+\) — F&O says: Journal GEN-000125 is not balanced\.$/
    )

    const masked = await run({ ...inputs, 'mask-response': 'true' })
    const line = expectFailure(
      masked,
      /failed: fail-when '.+' evaluated to \(not shown: mask-response\)/
    )
    expect(line).not.toContain('balanced')
    expect(masked.summary).not.toContain('GEN-000125')
  })

  it('fails clearly when an expression meets a body that is not JSON', async () => {
    sim().script(sessionInfo, {
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: 'Done.'
    })
    const result = await run({ 'service-name': sessionInfo, 'success-when': 'Result' })

    expectFailure(
      result,
      /^POST \S+ failed: the answer \(HTTP 200, text\/plain, 5 bytes\) is not JSON, so success-when cannot be checked$/
    )
  })

  it('fails on a 2xx answer that is an HTML page, and says so', async () => {
    sim().script(sessionInfo, {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body></body></html>'
    })
    const result = await run({ 'service-name': sessionInfo })

    expectFailure(
      result,
      /^POST \S+ failed: HTTP 200 with an HTML page \('Sign in to your account'\) instead of JSON — a sign-in or error page after a redirect\? Check 'url' and 'system-url'$/
    )
  })
})

describe('Submit, then wait', () => {
  it('polls until the job moves from not found through Executing to Succeeded', async () => {
    const jobId = await submitJob({ _notFoundFor: 1, _steps: 1 })
    const result = await waitForJob(jobId)

    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ polls: '3', attempts: '3', error: '' })
    expect(JSON.parse(result.outputs['response'])).toMatchObject({
      JobId: jobId,
      Status: 'Succeeded'
    })
    expect(requestsTo(getStatus).map(r => [r.method, r.status, JSON.parse(r.body)])).toEqual([
      ['POST', 404, { _jobId: jobId }],
      ['POST', 200, { _jobId: jobId }],
      ['POST', 200, { _jobId: jobId }]
    ])
    expect(result.stdout).toMatch(/^Poll 1 \(\d+ s\): HTTP 404 → not yet, next poll in 1 s/m)
    expect(result.stdout).toMatch(
      /^Poll 2 \(\d+ s\): Status = "Executing" → not yet, next poll in 1 s/m
    )
    expect(result.stdout).toMatch(/^Poll 3 \(\d+ s\): Status = "Succeeded" → done$/m)
    const [first, , last] = requestsTo(getStatus)
    expect(last.time - first.time).toBeGreaterThanOrEqual(1_900)
  })

  it('stops early when fail-when holds', async () => {
    const jobId = await submitJob({ _steps: 1, _outcome: 'Failed' })
    const result = await waitForJob(jobId, { 'poll-timeout': '00:10:00' })

    expectFailure(
      result,
      /^POST \S+\/GetStatus failed: fail-when 'Status == 'Failed'' evaluated to true \(HTTP 200; Status = "Failed"\) — F&O says: The batch task ended with an error: Voucher not balanced\.$/
    )
    expect(result.outputs['polls']).toBe('2')
    expect(requestsTo(getStatus).map(r => r.status)).toEqual([200, 200])
    expect(JSON.parse(result.outputs['response'])).toMatchObject({ Status: 'Failed' })
  })

  it('fails at poll-timeout while the job still runs', async () => {
    const jobId = await submitJob({ _steps: 1000 })
    const result = await waitForJob(jobId, { 'poll-timeout': '00:00:02' })

    expectFailure(
      result,
      /^POST \S+\/GetStatus failed: until 'Status == 'Succeeded'' did not hold within poll-timeout 00:00:02 \(\d polls; last seen: Status = "Executing"\)$/
    )
    // The rounds are 1 s apart and none starts after the deadline.
    const polls = requestsTo(getStatus)
    expect(result.outputs['polls']).toBe(String(polls.length))
    expect(polls.length).toBeGreaterThanOrEqual(2)
    expect(polls.at(-1)!.time - polls[0].time).toBeLessThanOrEqual(2_000)
    expect(result.outputs['status']).toBe('200')
  })

  it('renews a token that expires mid-poll: two token requests, no 401', async () => {
    const jobId = await submitJob({ _steps: 4 })
    // The first token lives 5 s, so it is due for renewal 2.5 s in (half its lifetime; MSAL
    // rounds the request time to the second, so 2.25 to 2.75 s); F&O refuses it 3.5 s in, as it
    // would refuse an expired one: the fifth poll, 4 s in, needs the new token.
    sim().tokenLifetimes([{ expiresInSeconds: 5, validForMs: 3_500 }])
    const result = await waitForJob(jobId, { ...clientSecretInputs(sim(), app), token: '' })

    expect(result.exitCode).toBe(0)
    expect(result.outputs['polls']).toBe('5')
    expect(sim().requests.filter(r => r.kind === 'token')).toHaveLength(2)
    const [first, renewed] = sim().issuedTokens
    const used = requestsTo(getStatus).map(r => r.headers['authorization'])
    expect(requestsTo(getStatus).map(r => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(used[0]).toBe(`Bearer ${first}`)
    expect(used.at(-1)).toBe(`Bearer ${renewed}`)
    expect(result.stdout).toMatch(/^The token expires in \d+ s: signing in again$/m)
  })

  it('warns at the start when a given token expires before poll-timeout', async () => {
    const jobId = await submitJob({ _steps: 0 })
    const result = await waitForJob(jobId, { token: shortLivedJwt })

    expect(result.exitCode).toBe(0)
    expect(warnings(result)).toEqual([
      expect.stringMatching(
        /^The given token expires in 00:(0\d:\d\d|10:00), before poll-timeout \(00:30:00\) ends, and a given token cannot be renewed/
      )
    ])
    expect(result.outputs['polls']).toBe('1')
  })
})

describe("F&O's error anatomy", () => {
  it('puts Message (without its fixed prefix), ExceptionType and ActivityId on the error line', async () => {
    const result = await run({
      'service-name': 'SimTestService/EchoService/Fail',
      payload: '{"_accountNum": "US-404"}'
    })

    const activityId = (JSON.parse(result.outputs['response']) as { ActivityId: string }).ActivityId
    expect(activityId).toMatch(Guid)
    expectFailure(
      result,
      new RegExp(
        `^POST \\S+/EchoService/Fail failed: HTTP 500 Internal Server Error — Invalid account number\\. \\(XppServicesException, ActivityId ${activityId}\\)$`
      )
    )
    expect(result.outputs['activity-id']).toBe(activityId)
    expect(errors(result)[0]).not.toContain('An exception occured')
  })

  it("reads OData's error body the same way", async () => {
    const result = await run({ 'service-name': 'SimTestService/EchoService/FailOData' })

    expectFailure(
      result,
      /^POST \S+ failed: HTTP 500 Internal Server Error — Write failed for table row of type 'CustCustomerV3Entity'\. Infolog: Error: Customer group 'ZZ' does not exist\. \(Microsoft\.Dynamics\.Platform\.Integration\.Services\.OData\.AxODataWriteException\)$/
    )
    expect(result.outputs['activity-id']).toBe('')
  })
})
