import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { actionPlatform, type ActionRun } from '../../scripts/action-runner.mjs'
import { errors } from '../../__fixtures__/run-assertions.js'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import {
  clientSecretInputs,
  runAgainst,
  serviceRequests,
  useSimulator
} from '../../__fixtures__/simulator.js'

const clientId = 'e2e-app-0001'
const clientSecret = 'e2e-secret~Value.With-Symbols_123'
const staticToken = 'static-token-e2e-7f3c9a'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({
  clients: [{ clientId, clientSecret }],
  staticTokens: [staticToken]
})

/** Runs the bundle against the simulator, trusting its CA as a runner would trust a real one. */
function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAgainst(sim(), { inputs, env })
}

function secretInputs(extra: Record<string, string> = {}): Record<string, string> {
  return { ...clientSecretInputs(sim(), { clientId, clientSecret }), ...extra }
}

describe('the step outputs, as the runner reads them', () => {
  it("sets every output action.yml declares, with the platform's line ends", async () => {
    const result = await run(secretInputs({ 'service-name': sessionInfo, payload: '{}' }))

    const declared = (parse(readFileSync('action.yml', 'utf8')) as { outputs: object }).outputs
    expect(Object.keys(result.outputs).sort()).toEqual(Object.keys(declared).sort())
    expect(result.outputs['status']).toBe('200')
    // @actions/core ends lines with os.EOL; the runner reads CR LF on Windows as LF elsewhere.
    const lineEnds = result.outputFile.match(/\r?\n/g) ?? []
    expect(new Set(lineEnds)).toEqual(new Set([actionPlatform === 'win32' ? '\r\n' : '\n']))
  })
})

describe('client secret', () => {
  it('gets a token through MSAL and returns the operation answer as outputs', async () => {
    const result = await run(secretInputs({ 'service-name': sessionInfo, payload: '{}' }))

    expect(result.exitCode).toBe(0)
    expect(errors(result)).toEqual([])
    expect(result.outputs['status']).toBe('200')
    expect(JSON.parse(result.outputs['response'])).toMatchObject({
      Company: 'USMF',
      IsSysAdmin: true
    })
    expect(JSON.parse(result.outputs['headers'])).toMatchObject({
      'content-type': expect.stringContaining('application/json')
    })
    expect(result.outputs['attempts']).toBe('1')
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(0)
    expect(result.outputs['error']).toBe('')

    const tokenRequests = sim().requests.filter(r => r.kind === 'token')
    expect(tokenRequests).toHaveLength(1)
    const form = new URLSearchParams(tokenRequests[0].body)
    expect(form.get('client_id')).toBe(clientId)
    expect(form.get('scope')).toBe(`${sim().url}/.default`)
    expect(form.get('grant_type')).toBe('client_credentials')

    const [call] = serviceRequests(sim())
    expect(call.method).toBe('POST')
    expect(call.path).toBe(`/api/services/${sessionInfo}`)
    expect(call.headers['authorization']).toBe(`Bearer ${sim().issuedTokens[0]}`)
    expect(call.headers['accept']).toBe('application/json')
    expect(call.headers['content-type']).toBe('application/json;charset=utf-8')
    expect(call.body).toBe('{}')
    expectNoSecretLeaks(result, [clientSecret, ...sim().issuedTokens])
  })

  it('with enable-exception false, a failed sign-in warns and lets the step succeed', async () => {
    const wrong = 'another-wrong-secret-77'
    const result = await run(
      secretInputs({
        'service-name': sessionInfo,
        'client-secret': wrong,
        'enable-exception': 'false'
      })
    )

    expect(result.exitCode).toBe(0)
    expect(errors(result)).toEqual([])
    expect(result.annotations.filter(a => a.level === 'warning').map(a => a.message)).toEqual([
      expect.stringMatching(/AADSTS7000215/)
    ])
    expect(result.outputs['error']).toMatch(/AADSTS7000215/)
    expect(result.outputs['status']).toBe('')
    expect(result.outputs['attempts']).toBe('0')
    expectNoSecretLeaks(result, [wrong])
  })

  it('fails with Entra’s AADSTS code when the secret is wrong, without printing it', async () => {
    const wrong = 'wrong-secret-value-42!'
    const result = await run(secretInputs({ 'service-name': sessionInfo, 'client-secret': wrong }))

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toHaveLength(1)
    expect(errors(result)[0]).toMatch(/AADSTS7000215/)
    expect(result.outputs['error']).toMatch(/AADSTS7000215/)
    expect(serviceRequests(sim())).toHaveLength(0)
    expectNoSecretLeaks(result, [wrong])
  })
})

describe('given token', () => {
  it('uses it as is, with or without "Bearer ", and makes no token request', async () => {
    const result = await run({
      'service-name': sessionInfo,
      'system-url': sim().url,
      token: `Bearer ${staticToken}`,
      method: 'POST'
    })

    expect(result.exitCode).toBe(0)
    expect(sim().requests.filter(r => r.kind === 'token' || r.kind === 'metadata')).toHaveLength(0)
    const [call] = serviceRequests(sim())
    expect(call.headers['authorization']).toBe(`Bearer ${staticToken}`)
    // POST with no payload runs a parameterless operation: an empty body and no Content-Type.
    expect(call.body).toBe('')
    expect(call.headers['content-type']).toBeUndefined()
    expectNoSecretLeaks(result, [staticToken])
  })

  it('lists a service group with GET, and returns an operation’s metadata for an explicit GET', async () => {
    const groups = await run({
      'service-name': 'UserSessionService',
      method: 'GET',
      url: sim().url,
      token: staticToken
    })
    expect(groups.exitCode).toBe(0)
    expect(JSON.parse(groups.outputs['response'])).toHaveProperty('Services')
    expect(groups.stdout).not.toContain('the operation is not run')

    const metadata = await run({
      'service-name': sessionInfo,
      url: sim().url,
      token: staticToken,
      method: 'GET'
    })
    expect(metadata.exitCode).toBe(0)
    expect(JSON.parse(metadata.outputs['response'])).toHaveProperty('Parameters')
    expect(metadata.stdout).toContain(
      `method GET returns the metadata of ${sessionInfo} (its parameters and return type): the operation is not run.`
    )
    expect(serviceRequests(sim()).map(r => r.method)).toEqual(['GET', 'GET'])
  })

  it('keeps the path of a Talent/HR system-url', async () => {
    const namespace = '/namespaces/0ab49d18-6325-4597-97b3-c7f2321aa80c'
    const result = await run({
      'service-name': sessionInfo,
      'system-url': `${sim().url}${namespace}/`,
      token: staticToken,
      payload: '{}'
    })

    expect(result.exitCode).toBe(0)
    expect(serviceRequests(sim())[0].path).toBe(`${namespace}/api/services/${sessionInfo}`)
  })

  it('encodes the payload in payload-charset and declares it', async () => {
    const result = await run({
      'service-name': 'SimTestService/EchoService/Echo',
      url: sim().url,
      token: staticToken,
      payload: '{"name":"Søren Ærø"}',
      'payload-charset': 'windows-1252'
    })

    expect(result.exitCode).toBe(0)
    const echo = JSON.parse(result.outputs['response'])
    expect(echo.contentType).toBe('application/json;charset=windows-1252')
    expect(echo.received).toEqual({ name: 'Søren Ærø' })
    expect(serviceRequests(sim())[0].bodyBytes.includes(Buffer.from([0xf8]))).toBe(true)
  })
})

describe('throttling', () => {
  it('waits throttle-seed’s random whole seconds before the first request', async () => {
    const result = await run({
      'service-name': sessionInfo,
      url: sim().url,
      token: staticToken,
      payload: '{}',
      'throttle-seed': '1'
    })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('throttle-seed: waiting 1 s before the first request')
    expect(result.durationMs).toBeGreaterThanOrEqual(1000)
    expect(serviceRequests(sim())).toHaveLength(1)
  })

  it('waits Retry-After on 429 and then succeeds', async () => {
    sim().script(sessionInfo, [
      { status: 429, headers: { 'Retry-After': '1' } },
      { status: 429, headers: { 'Retry-After': '1' } }
    ])
    const result = await run({
      'service-name': sessionInfo,
      url: sim().url,
      token: staticToken,
      payload: '{}',
      'retry-timeout': '00:01:00'
    })

    expect(result.exitCode).toBe(0)
    expect(result.outputs['attempts']).toBe('3')
    expect(result.stdout).toMatch(/→ 429, waiting 1 s \(attempt 2, 59 s left\)/)
    const [first, , third] = serviceRequests(sim())
    expect(third.time - first.time).toBeGreaterThanOrEqual(1900)
  })

  it('gives up at once when Retry-After would pass retry-timeout', async () => {
    sim().script(sessionInfo, [
      { status: 429, headers: { 'Retry-After': '30' }, body: { Message: 'Throttled' } }
    ])
    const result = await run({
      'service-name': sessionInfo,
      url: sim().url,
      token: staticToken,
      payload: '{}',
      'retry-timeout': '00:00:05'
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/429.*retry-timeout/)
    expect(result.outputs['status']).toBe('429')
    expect(result.outputs['attempts']).toBe('1')
    // It never waited: the only wait before a retry follows a "waiting" line.
    expect(result.stdout).toMatch(/→ 429, giving up \(attempt 1\)/)
    expect(result.stdout).not.toMatch(/waiting \d+ s/)
  })
})

describe('failures', () => {
  it('fails on an X++ exception with F&O’s own message and keeps the outputs', async () => {
    const result = await run({
      'service-name': 'SimTestService/EchoService/Fail',
      url: sim().url,
      token: staticToken,
      payload: '{}'
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^POST https:\/\/127\.0\.0\.1:\d+\/api\/services\/SimTestService\/EchoService\/Fail failed: HTTP 500 .*Invalid account number.*XppServicesException/
      )
    ])
    expect(result.outputs['status']).toBe('500')
    expect(JSON.parse(result.outputs['response'])).toHaveProperty(
      'ExceptionType',
      'XppServicesException'
    )
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
  })

  it('with enable-exception false, warns, sets the outputs and succeeds', async () => {
    const result = await run({
      'service-name': 'SimTestService/EchoService/Fail',
      url: sim().url,
      token: staticToken,
      payload: '{}',
      'enable-exception': 'false'
    })

    expect(result.exitCode).toBe(0)
    expect(errors(result)).toEqual([])
    expect(result.annotations.filter(a => a.level === 'warning').map(a => a.message)).toEqual([
      expect.stringMatching(/HTTP 500/)
    ])
    expect(result.outputs['status']).toBe('500')
    expect(result.outputs['error']).toMatch(/HTTP 500/)
  })

  it('says the service does not exist on 404', async () => {
    const result = await run({
      'service-name': 'NoSuchGroup/NoSuchService/Op',
      url: sim().url,
      token: staticToken,
      payload: '{}'
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/HTTP 404.*service-name/)
  })

  it('stops waiting after timeout-sec', async () => {
    sim().script(sessionInfo, { delayMs: 10_000, body: { waited: true } })
    const result = await run({
      'service-name': sessionInfo,
      url: sim().url,
      token: staticToken,
      payload: '{}',
      'timeout-sec': '1'
    })

    // The deadline, not the 10 s answer, ended the call: its own message says so.
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/ failed: no response within 1 s \(timeout-sec\)( — |$)/)
    expect(result.outputs['status']).toBe('')
  })

  it.each([
    [{ 'service-name': '../Evil/x' }, 'service-name'],
    [{ 'service-name': sessionInfo, payload: '{"a":' }, 'payload'],
    [{ 'service-name': sessionInfo, 'retry-timeout': '1 minute' }, 'retry-timeout'],
    [{ 'service-name': sessionInfo, 'throttle-seed': '-1' }, 'throttle-seed'],
    [{ 'service-name': sessionInfo, 'payload-charset': 'klingon' }, 'payload-charset'],
    [{ 'service-name': sessionInfo, 'enable-exception': 'yes' }, 'enable-exception'],
    [{ 'service-name': sessionInfo, 'system-url': 'http://fo.example.com' }, 'system-url']
  ])('rejects bad input %j before any request, naming %s', async (bad, name) => {
    const result = await run({ url: sim().url, token: staticToken, ...bad })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringContaining(name)])
    expect(sim().requests).toHaveLength(0)
  })

  it('says which inputs are needed when no credential is given', async () => {
    const result = await run({ 'service-name': sessionInfo, url: sim().url })

    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/token.*tenant.*client-id/)
    expect(sim().requests).toHaveLength(0)
  })
})

describe('secret hygiene', () => {
  it('never prints a secret, even with ACTIONS_STEP_DEBUG', async () => {
    const result = await run(secretInputs({ 'service-name': sessionInfo, payload: '{}' }), {
      ACTIONS_STEP_DEBUG: 'true'
    })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/::debug::/)
    expectNoSecretLeaks(result, [clientSecret, ...sim().issuedTokens])
  })
})
