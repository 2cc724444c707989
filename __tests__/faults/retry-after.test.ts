import { describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import { runAgainst, serviceRequests, useSimulator } from '../../__fixtures__/simulator.js'

// Retry-After as F&O (or a gateway) may send it. The action waits what it asks, at most until
// retry-timeout; without a readable header it backs off: 1 s first, then up to 2 s, 4 s … 60 s.
// Every real wait here is at most 1 s: a case that would wait longer must give up at once.

const token = 'fault-retry-token-2d6f90'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const failed = `^POST https://127\\.0\\.0\\.1:\\d+/api/services/${sessionInfo} failed: HTTP 429 Too Many Requests — `

const sim = useSimulator({ staticTokens: [token] })

/** A POST answered first by a 429 with `headers`, then (if retried) by the simulator. */
function throttledOnce(
  headers: Record<string, string>,
  retryTimeout: string,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  sim().script(sessionInfo, { status: 429, headers, body: { Message: 'Too many requests.' } })
  return runAgainst(sim(), {
    inputs: {
      'service-name': sessionInfo,
      url: sim().url,
      token,
      payload: '{}',
      'retry-timeout': retryTimeout
    },
    env
  })
}

const gapMs = (): number => serviceRequests(sim())[1].time - serviceRequests(sim())[0].time

/** The call never waited: every wait before a retry follows a "waiting" line in the log. */
function expectNoWait(result: ActionRun): void {
  expect(result.stdout).toMatch(/→ 429, giving up \(attempt 1\)$/m)
  expect(result.stdout).not.toMatch(/, waiting \d+ s/)
}

describe('Retry-After that is honoured', () => {
  it('delta-seconds 1: waits one second, then succeeds', async () => {
    const result = await throttledOnce({ 'Retry-After': '1' }, '00:00:05')

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.stdout).toMatch(/→ 429, waiting 1 s \(attempt 2, 4 s left\)$/m)
    // At least the second asked for; the upper bound tells it from a longer wait, with room for
    // a starved machine.
    expect(gapMs()).toBeGreaterThanOrEqual(950)
    expect(gapMs()).toBeLessThan(5000)
    expectNoSecretLeaks(result, [token])
  })

  it('an HTTP-date in the past: retries after the shortest wait, 1 s', async () => {
    const result = await throttledOnce(
      { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' },
      '00:00:05'
    )

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.stdout).toMatch(/→ 429, waiting 1 s \(attempt 2, 4 s left\)$/m)
    expect(gapMs()).toBeGreaterThanOrEqual(990)
    expectNoSecretLeaks(result, [token])
  })

  it('Retry-After 0 twice: waits 1 s each time, never hammers the server', async () => {
    sim().script(sessionInfo, { status: 429, headers: { 'Retry-After': '0' } })
    const result = await throttledOnce({ 'Retry-After': '0' }, '00:00:10')

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '3' })
    const times = serviceRequests(sim()).map(r => r.time)
    expect(times).toHaveLength(3)
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(990)
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(990)
    expectNoSecretLeaks(result, [token])
  })

  it('counts retry-timeout from the first request: a second 1 s wait that would pass it is not taken', async () => {
    sim().script(sessionInfo, { status: 429, headers: { 'Retry-After': '1' } })
    const result = await throttledOnce({ 'Retry-After': '1' }, '00:00:02')

    expectFailure(
      result,
      new RegExp(
        `${failed}Retry-After asks for 1 s but retry-timeout leaves 0(\\.\\d)? s \\(2 attempts\\)$`
      )
    )
    expectOutputs(result, { status: '429', attempts: '2' })
    // No third request, and no second wait either (each wait follows its "waiting" line).
    expect(serviceRequests(sim())).toHaveLength(2)
    expect(result.stdout.match(/, waiting \d+ s/g)).toHaveLength(1)
    expectNoSecretLeaks(result, [token])
  })
})

describe('Retry-After that cannot be met within retry-timeout: fails at once', () => {
  it.each([
    [
      'huge',
      { 'Retry-After': '86400' },
      '00:01:00',
      'Retry-After asks for 86400 s but retry-timeout leaves (59\\.\\d|60) s'
    ],
    [
      'beyond a 32-bit timer (24.9 days)',
      { 'Retry-After': '2147484' },
      '00:01:00',
      'Retry-After asks for 2147484 s but retry-timeout leaves (59\\.\\d|60) s'
    ],
    [
      'a far-future date',
      { 'Retry-After': 'Sat, 13 Sep 275760 00:00:00 GMT' },
      '00:01:00',
      'Retry-After asks for at least 999999999 s but retry-timeout leaves (59\\.\\d|60) s'
    ]
  ])('%s (%j, retry-timeout %s)', async (_name, headers, retryTimeout, detail) => {
    const result = await throttledOnce(headers, retryTimeout)

    expectFailure(result, new RegExp(`${failed}${detail} \\(1 attempt\\)$`))
    expectOutputs(result, { status: '429', attempts: '1' })
    expect(JSON.parse(result.outputs['response'])).toEqual({ Message: 'Too many requests.' })
    expect(serviceRequests(sim())).toHaveLength(1)
    // No waiting at all: the call ends as soon as the 429 is read.
    expectNoWait(result)
    expectNoSecretLeaks(result, [token])
  })

  it('a 400-digit Retry-After (beyond any number) reads as the longest wait: fails at once', async () => {
    const result = await throttledOnce({ 'Retry-After': '9'.repeat(400) }, '00:01:00')

    expectFailure(
      result,
      new RegExp(
        `${failed}Retry-After asks for at least 999999999 s but retry-timeout leaves (59\\.\\d|60) s \\(1 attempt\\)$`
      )
    )
    expectOutputs(result, { status: '429', attempts: '1' })
    expect(serviceRequests(sim())).toHaveLength(1)
    expectNoWait(result)
    expectNoSecretLeaks(result, [token])
  })

  it.each(logModes)(
    'garbage Retry-After backs off within retry-timeout, then gives up naming the next wait ($mode)',
    async ({ env }) => {
      const soon = {
        status: 429,
        headers: { 'Retry-After': 'soon' },
        body: { Message: 'Too many requests.' }
      }
      sim().script(sessionInfo, [soon, soon, soon])
      const result = await runAgainst(sim(), {
        inputs: {
          'service-name': sessionInfo,
          url: sim().url,
          token,
          payload: '{}',
          'retry-timeout': '00:00:02'
        },
        env
      })

      // 1 s, then 1–2 s: the second back-off never fits what 2 s leave after the first.
      expectFailure(
        result,
        new RegExp(
          `${failed}no readable Retry-After, so the next back-off wait would be [12](\\.\\d)? s, but retry-timeout leaves [01](\\.\\d)? s \\(2 attempts\\)$`
        )
      )
      expectOutputs(result, { status: '429', attempts: '2' })
      expect(gapMs()).toBeGreaterThanOrEqual(950)
      expectNoSecretLeaks(result, [token])
    }
  )
})

describe('Retry-After missing or unreadable: backs off', () => {
  it.each([
    ['garbage', { 'Retry-After': 'soon' }],
    ['negative', { 'Retry-After': '-5' }],
    ['missing', {}]
  ])('%s (%j): waits the first back-off, 1 s, then succeeds', async (_name, headers) => {
    const result = await throttledOnce(headers, '00:00:05')

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.stdout).toMatch(/→ 429, waiting 1 s \(attempt 2, 4 s left\)$/m)
    expect(gapMs()).toBeGreaterThanOrEqual(950)
    expectNoSecretLeaks(result, [token])
  })
})

describe('Retry-After with no retry-timeout (00:00:00)', () => {
  it('caps a wait beyond a 32-bit timer at 5 minutes and says so, instead of re-sending at once', async () => {
    sim().script(sessionInfo, { status: 429, headers: { 'Retry-After': '2147484' } })
    // The step would wait 5 minutes: it is stopped after a few seconds (enough for a starved
    // machine to start it and send the request), which is the point.
    const result = await runAgainst(sim(), {
      inputs: {
        'service-name': sessionInfo,
        url: sim().url,
        token,
        payload: '{}',
        'retry-timeout': '00:00:00'
      },
      killAfterMs: 8_000
    })

    expect(result.exitCode).toBeNull()
    expect(result.stdout).toMatch(
      /→ 429, waiting 300 s \(attempt 2, no retry-timeout; Retry-After asks for 2147484 s: each wait is capped at 300 s when retry-timeout is 00:00:00\)$/m
    )
    expect(serviceRequests(sim())).toHaveLength(1)
    expectNoSecretLeaks(result, [token])
  })
})
