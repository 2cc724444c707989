import { describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import { runAgainst, serviceRequests, useSimulator } from '../../__fixtures__/simulator.js'

// Retry-After as F&O (or a gateway) may send it. The action waits what it asks, at most until
// retry-timeout; a missing or unreadable header counts as 10 s (the d365fo.integrations rule).
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

describe('Retry-After that is honoured', () => {
  it('delta-seconds 1: waits one second, then succeeds', async () => {
    const result = await throttledOnce({ 'Retry-After': '1' }, '00:00:05')

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.stdout).toMatch(/→ 429, waiting 1 s \(attempt 2, 4 s left\)$/m)
    expect(gapMs()).toBeGreaterThanOrEqual(950)
    expect(gapMs()).toBeLessThan(2000)
    expectNoSecretLeaks(result, [token])
  })

  it('an HTTP-date in the past: retries at once', async () => {
    const result = await throttledOnce(
      { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' },
      '00:00:05'
    )

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.stdout).toMatch(/→ 429, waiting 0 s \(attempt 2, 5 s left\)$/m)
    expect(gapMs()).toBeLessThan(500)
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
    expect(serviceRequests(sim())).toHaveLength(2)
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(1800)
    expectNoSecretLeaks(result, [token])
  })
})

describe('Retry-After that cannot be met within retry-timeout: fails at once', () => {
  it.each([
    [
      'garbage',
      { 'Retry-After': 'soon' },
      '00:00:05',
      'no readable Retry-After, so the wait would be the default 10 s, but retry-timeout leaves [45](\\.\\d)? s'
    ],
    [
      'negative',
      { 'Retry-After': '-5' },
      '00:00:05',
      'no readable Retry-After, so the wait would be the default 10 s, but retry-timeout leaves [45](\\.\\d)? s'
    ],
    [
      'huge',
      { 'Retry-After': '86400' },
      '00:01:00',
      'Retry-After asks for 86400 s but retry-timeout leaves (59\\.\\d|60) s'
    ],
    [
      'missing',
      {},
      '00:00:03',
      'no readable Retry-After, so the wait would be the default 10 s, but retry-timeout leaves [23](\\.\\d)? s'
    ]
  ])('%s (%j, retry-timeout %s)', async (_name, headers, retryTimeout, detail) => {
    const result = await throttledOnce(headers, retryTimeout)

    expectFailure(result, new RegExp(`${failed}${detail} \\(1 attempt\\)$`))
    expectOutputs(result, { status: '429', attempts: '1' })
    expect(JSON.parse(result.outputs['response'])).toEqual({ Message: 'Too many requests.' })
    expect(serviceRequests(sim())).toHaveLength(1)
    // No waiting at all: the call ends as soon as the 429 is read.
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(500)
    expect(result.durationMs).toBeLessThan(2500)
    expectNoSecretLeaks(result, [token])
  })

  it.each(logModes)(
    'garbage Retry-After never waits its 10 s default past retry-timeout ($mode)',
    async ({ env }) => {
      const result = await throttledOnce({ 'Retry-After': 'soon' }, '00:00:09', env)

      expectFailure(
        result,
        new RegExp(
          `${failed}no readable Retry-After, so the wait would be the default 10 s, but retry-timeout leaves [89](\\.\\d)? s \\(1 attempt\\)$`
        )
      )
      expectOutputs(result, { status: '429', attempts: '1' })
      expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(500)
      expectNoSecretLeaks(result, [token])
    }
  )
})
