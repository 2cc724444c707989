import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { runnerLines, type ActionRun, type RunOptions } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import {
  closedPort,
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { runAgainst, serviceRequests, useSimulator } from '../../__fixtures__/simulator.js'

// Faults where no HTTP answer comes: nothing listens, no such host, TLS refused, reset, silence.

const token = 'fault-conn-token-4f1d8a'
const clientId = 'fault-conn-app'
const clientSecret = 'fault-conn-secret~Q8.x_77'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const serviceUrl =
  /https:\/\/127\.0\.0\.1:\d+\/api\/services\/UserSessionService\/AifUserSessionService\/GetUserSessionInfo/

const sim = useSimulator({ clients: [{ clientId, clientSecret }], staticTokens: [token] })
let ca: TestCa
let onlyLocalhost: FaultServer
let onlyLoopbackIp: FaultServer

beforeAll(async () => {
  ca = await createTestCa()
  ;[onlyLocalhost, onlyLoopbackIp] = await Promise.all([
    ca.issue([{ dns: 'localhost' }]).then(startFaultServer),
    ca.issue([{ ip: '127.0.0.1' }]).then(startFaultServer)
  ])
})
afterAll(async () => {
  await Promise.all([onlyLocalhost.close(), onlyLoopbackIp.close()])
  await ca.close()
})
beforeEach(() => {
  onlyLocalhost.reset()
  onlyLoopbackIp.reset()
})

/** A POST with the given token to `url`, trusting the simulator's CA unless told otherwise. */
function call(url: string, options: Partial<RunOptions> = {}): Promise<ActionRun> {
  return runAgainst(sim(), {
    ...options,
    inputs: { 'service-name': sessionInfo, url, token, payload: '{}', ...options.inputs }
  })
}

function expectNoLeaks(result: ActionRun): void {
  expectNoSecretLeaks(result, [token, clientSecret, ...sim().issuedTokens])
}

describe('nothing answers', () => {
  it('fails at once on a refused connection, naming the URL and ECONNREFUSED', async () => {
    const port = await closedPort()
    const result = await call(`https://127.0.0.1:${port}`)

    expectFailure(
      result,
      new RegExp(`^POST ${serviceUrl.source} failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`)
    )
    // The connection's own error, on the first attempt: no deadline and no retry was waited for.
    expectOutputs(result, { status: '', attempts: '1' })
    expectNoLeaks(result)
  })

  it('fails at once when the host name does not resolve', async () => {
    const result = await call('https://fo.invalid')

    expectFailure(
      result,
      /^POST https:\/\/fo\.invalid\/api\/services\/\S+ failed: getaddrinfo ENOTFOUND fo\.invalid$/
    )
    // The connection's own error, on the first attempt: no deadline and no retry was waited for.
    expectOutputs(result, { status: '', attempts: '1' })
    expectNoLeaks(result)
  })
})

describe('retry-on: network', () => {
  it('retries a refused connection with back-off until retry-timeout, then names the limit', async () => {
    const port = await closedPort()
    const result = await call(`https://127.0.0.1:${port}`, {
      inputs: { 'retry-on': 'network', 'retry-timeout': '00:00:03' }
    })

    expectFailure(
      result,
      new RegExp(
        `^POST https://127\\.0\\.0\\.1:${port}/\\S+ failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} — ` +
          'the next back-off wait would be \\d+(\\.\\d)? s, but retry-timeout leaves \\d+(\\.\\d)? s \\(\\d attempts\\)$'
      )
    )
    expect(Number(result.outputs['attempts'])).toBeGreaterThanOrEqual(2)
    expect(result.stdout).toMatch(
      /→ no response \(ECONNREFUSED\), waiting 1 s \(attempt 2, \d s left\)/
    )
    // Refused before sending: nothing can have run, so the log does not say it may have.
    expect(result.stdout).not.toContain('may have reached the server')
    expectNoLeaks(result)
  })

  it('re-sends a POST that timed out, saying in the log that it may have reached the server', async () => {
    sim().script(sessionInfo, { hang: true })
    const result = await call(sim().url, { inputs: { 'retry-on': 'network', 'timeout-sec': '1' } })

    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.stdout).toContain(
      '→ no response (timeout-sec); it may have reached the server, sent again as retry-on lists network, waiting 1 s (attempt 2,'
    )
    expect(serviceRequests(sim()).map(r => r.method)).toEqual(['POST', 'POST'])
    expectNoLeaks(result)
  })
})

describe('TLS', () => {
  it('refuses a certificate from an untrusted CA, before the token is sent', async () => {
    const result = await call(sim().url, { env: { NODE_EXTRA_CA_CERTS: '' } })

    expectFailure(
      result,
      new RegExp(
        `^POST ${serviceUrl.source} failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate — the server's certificate is not trusted: .*NODE_EXTRA_CA_CERTS.*$`
      )
    )
    expectOutputs(result, { status: '', attempts: '1' })
    expect(sim().requests).toHaveLength(0)
    expectNoLeaks(result)
  })

  it('refuses an untrusted token endpoint, before the client secret is sent', async () => {
    const result = await call(sim().url, {
      inputs: {
        token: '',
        tenant: sim().tenant,
        'client-id': clientId,
        'client-secret': clientSecret,
        'authority-host': sim().authorityHost
      },
      env: { NODE_EXTRA_CA_CERTS: '' }
    })

    expectFailure(
      result,
      /^Token request to https:\/\/127\.0\.0\.1:\d+\/\S+ failed: GET \S+\/v2\.0\/\.well-known\/openid-configuration failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE/
    )
    expectOutputs(result, { status: '', attempts: '0' })
    expect(sim().requests).toHaveLength(0)
    expectNoLeaks(result)
  })

  it('refuses a certificate for another host name (dialled by IP, certificate for localhost only)', async () => {
    const result = await call(onlyLocalhost.url, { env: { NODE_EXTRA_CA_CERTS: ca.caFile } })

    expectFailure(
      result,
      /failed: ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list/
    )
    expectOutputs(result, { status: '', attempts: '1' })
    expect(onlyLocalhost.requests).toHaveLength(0)
    expectNoLeaks(result)
  })

  it('refuses a certificate for another host name (dialled as localhost, certificate for 127.0.0.1 only)', async () => {
    const result = await call(`https://localhost:${onlyLoopbackIp.port}`, {
      env: { NODE_EXTRA_CA_CERTS: ca.caFile }
    })

    expectFailure(
      result,
      /^POST https:\/\/localhost:\d+\/\S+ failed: ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames: Host: localhost\. is not cert's CN: fault server$/
    )
    expectOutputs(result, { status: '', attempts: '1' })
    expect(onlyLoopbackIp.requests).toHaveLength(0)
    expectNoLeaks(result)
  })

  it('accepts the same server when the name matches (the two tests above fail for the name alone)', async () => {
    const result = await call(onlyLoopbackIp.url, { env: { NODE_EXTRA_CA_CERTS: ca.caFile } })

    expect(result.exitCode).toBe(0)
    expect(onlyLoopbackIp.requests).toEqual([
      expect.objectContaining({ authorization: `Bearer ${token}` })
    ])
    expectNoLeaks(result)
  })
})

describe('the connection breaks', () => {
  it.each(logModes)(
    'fails on a reset before the headers and does not resend the POST ($mode)',
    async ({ env }) => {
      sim().script(sessionInfo, { destroy: 'before-headers' })
      const result = await call(sim().url, { env })

      expectFailure(
        result,
        new RegExp(
          `^POST ${serviceUrl.source} failed: ECONNRESET: socket hang up — the request may have reached the server, ` +
            'so it was not sent again \\(retry-on: network re-sends it when the operation is safe to repeat\\)$'
        )
      )
      expectOutputs(result, { status: '', attempts: '1' })
      expect(serviceRequests(sim())).toHaveLength(1)
      expectNoLeaks(result)
    }
  )
})

describe('the server accepts and never answers', () => {
  it.each(logModes)('gives up after timeout-sec ($mode)', async ({ env }) => {
    sim().script(sessionInfo, { hang: true })
    const result = await call(sim().url, { inputs: { 'timeout-sec': '1' }, env })

    expectFailure(
      result,
      new RegExp(
        `^POST ${serviceUrl.source} failed: no response within 1 s \\(timeout-sec\\) — the operation may still be running on the server, ` +
          'so it was not sent again \\(retry-on: network re-sends it when the operation is safe to repeat\\)$'
      )
    )
    expectOutputs(result, { status: '', attempts: '1' })
    // The deadline fired (its message says so), not before its second; the upper bound only
    // catches a limit in the wrong unit, with room for a starved machine.
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(1000)
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(10_000)
    expect(serviceRequests(sim())).toHaveLength(1)
    expectNoLeaks(result)
  })

  it('with timeout-sec 0 (no limit) keeps waiting: only the runner ends the step', async () => {
    sim().script(sessionInfo, { hang: true })
    // Long enough for a starved machine to start the step and send the request.
    const result = await call(sim().url, { inputs: { 'timeout-sec': '0' }, killAfterMs: 8000 })

    // Killed, not exited: the action had not given up on its own.
    expect(result.exitCode).toBeNull()
    expect(result.durationMs).toBeGreaterThanOrEqual(8000)
    expect(result.annotations).toEqual([])
    expect(result.outputFile).toBe('')
    expect(runnerLines(result.stdout.trimEnd()).at(-1)).toBe(`::group::POST ${sessionInfo}`)
    expect(serviceRequests(sim())).toHaveLength(1)
    expect(serviceRequests(sim())[0].status).toBeUndefined()
    expectNoLeaks(result)
  })
})
