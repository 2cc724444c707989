import { describe, expect, it } from '@jest/globals'
import type { ActionRun, RunOptions } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import { closedPort } from '../../__fixtures__/fault-server.js'
import {
  clientSecretInputs,
  runAgainst,
  useSimulator,
  type Simulator
} from '../../__fixtures__/simulator.js'

// Faults of the Entra ID token endpoint: no service request may follow a failed sign-in.

const clientId = 'fault-signin-app'
const clientSecret = 'fault-signin-secret~Hq.3_08'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [{ clientId, clientSecret }] })

function signIn(
  inputs: Record<string, string> = {},
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), {
    ...options,
    inputs: {
      'service-name': sessionInfo,
      payload: '{}',
      ...clientSecretInputs(sim(), { clientId, clientSecret }),
      ...inputs
    }
  })
}

function expectNoLeaks(result: ActionRun): void {
  expectNoSecretLeaks(result, [clientSecret, ...sim().issuedTokens])
}

/** The sign-in failed before any call: outputs set, no service request, Entra asked only at its own URLs. */
function expectNoCall(result: ActionRun): void {
  expectOutputs(result, { status: '', attempts: '0' })
  expect(result.outputs['response']).toBe('')
  expect(sim().requests.filter(r => r.kind !== 'metadata' && r.kind !== 'token')).toEqual([])
}

const tokenRequests = (): Simulator['requests'] => sim().requests.filter(r => r.kind === 'token')
const tokenUrl =
  'https://127\\.0\\.0\\.1:\\d+/11111111-2222-3333-4444-555555555555/oauth2/v2\\.0/token'
const signInFailed =
  'Token request to https://127\\.0\\.0\\.1:\\d+/11111111-2222-3333-4444-555555555555 failed: '

describe('token endpoint down', () => {
  it('fails at once when nothing listens at authority-host', async () => {
    const port = await closedPort()
    const result = await signIn({ 'authority-host': `https://127.0.0.1:${port}` })

    expectFailure(
      result,
      new RegExp(
        `^Token request to https://127\\.0\\.0\\.1:${port}/11111111-2222-3333-4444-555555555555 failed: ` +
          `GET https://127\\.0\\.0\\.1:${port}/11111111-2222-3333-4444-555555555555/v2\\.0/\\.well-known/openid-configuration failed: connect ECONNREFUSED`
      )
    )
    expectNoCall(result)
    expect(sim().requests).toEqual([])
    expectNoLeaks(result)
  })

  it.each(logModes)(
    'gives up on a silent token endpoint after timeout-sec ($mode)',
    async ({ env }) => {
      sim().script('token', { hang: true })
      const result = await signIn({ 'timeout-sec': '1' }, { env })

      expectFailure(
        result,
        new RegExp(
          `^${signInFailed}POST ${tokenUrl} failed: no response within 1 s \\(timeout-sec\\)$`
        )
      )
      expectNoCall(result)
      // The deadline's message, and not before its second.
      expect(tokenRequests()).toHaveLength(1)
      expect(result.durationMs).toBeGreaterThanOrEqual(1000)
      expectNoLeaks(result)
    }
  )
})

describe('token endpoint refuses', () => {
  it.each(logModes)(
    '400 with an AADSTS error: Entra’s code and text, and the inputs to check ($mode)',
    async ({ env }) => {
      const result = await signIn({ 'client-id': 'fault-unknown-app' }, { env })

      const error = expectFailure(
        result,
        new RegExp(
          `^${signInFailed}AADSTS700016: Application with identifier 'fault-unknown-app' was not found in the directory '11111111-2222-3333-4444-555555555555'\\.`
        )
      )
      expect(error).toMatch(/ Check 'client-id' and 'tenant'\.$/)
      // Entra's trace and correlation ids are noise in a one-line error.
      expect(error).not.toMatch(/Trace ID|Correlation ID|Timestamp/)
      expectNoCall(result)
      expect(tokenRequests()).toHaveLength(1)
      expect(tokenRequests()[0].status).toBe(400)
      expectNoLeaks(result)
    }
  )
})

/** Sign-in never waited: each wait before a retry follows its "waiting" line in the log. */
function expectNoWait(result: ActionRun): void {
  expect(result.stdout).not.toMatch(/→ 429, waiting \d+ s/)
}

describe('token endpoint throttles (429)', () => {
  const throttled = {
    status: 429,
    headers: { 'Retry-After': '1' },
    body: {
      error: 'temporarily_unavailable',
      error_description:
        'AADSTS50196: The server terminated an operation because it encountered a client request loop.'
    }
  }

  it('waits Retry-After within retry-timeout, then signs in and calls with the new token', async () => {
    sim().script('token', throttled)
    const result = await signIn({ 'retry-timeout': '00:00:10' })

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(result.stdout).toMatch(new RegExp(`^POST ${tokenUrl} → 429, waiting 1 s$`, 'm'))
    const [first, second] = tokenRequests()
    expect(tokenRequests()).toHaveLength(2)
    // At least the second asked for; the upper bound tells it from the 10 s default, with room
    // for a starved machine.
    expect(second.time - first.time).toBeGreaterThanOrEqual(950)
    expect(second.time - first.time).toBeLessThan(5000)
    expect(sim().issuedTokens).toHaveLength(1)
    const calls = sim().requests.filter(r => r.kind === 'service')
    expect(calls.map(r => r.headers['authorization'])).toEqual([`Bearer ${sim().issuedTokens[0]}`])
    expectNoLeaks(result)
  })

  it.each(logModes)(
    'fails at once when Retry-After is beyond retry-timeout ($mode)',
    async ({ env }) => {
      sim().script('token', { ...throttled, headers: { 'Retry-After': '30' } })
      const result = await signIn({ 'retry-timeout': '00:00:05' }, { env })

      expectFailure(
        result,
        new RegExp(
          `^${signInFailed}POST ${tokenUrl} failed: HTTP 429 Too Many Requests — retry-timeout exhausted — AADSTS50196: The server terminated`
        )
      )
      expectNoCall(result)
      expect(tokenRequests()).toHaveLength(1)
      expectNoWait(result)
      expectNoLeaks(result)
    }
  )

  it('names retry-timeout too when a gateway’s 429 has no JSON body', async () => {
    sim().script('token', {
      status: 429,
      headers: { 'Retry-After': '30', 'Content-Type': 'text/html' },
      body: '<html><head><title>Too Many Requests</title></head></html>'
    })
    const result = await signIn({ 'retry-timeout': '00:00:05' })

    expectFailure(
      result,
      new RegExp(
        `^${signInFailed}POST ${tokenUrl} failed: HTTP 429 Too Many Requests — retry-timeout exhausted — Too Many Requests$`
      )
    )
    expectNoCall(result)
    expect(tokenRequests()).toHaveLength(1)
    expectNoWait(result)
    expectNoLeaks(result)
  })
})
