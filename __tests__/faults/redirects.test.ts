import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  startFaultServer,
  type FaultHandler,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// The bearer token goes only to system-url's origin (scheme, host name and port), over https
// (or http to loopback). A GET may follow a redirect, without the token when it leaves the
// origin; a POST or a token request never follows one.

const token = 'fault-redirect-token-51e7c4'
const clientId = 'fault-redirect-app'
const clientSecret = 'fault-redirect-secret~Wd.6_93'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [{ clientId, clientSecret }], staticTokens: [token] })
let ca: TestCa
let origin: FaultServer
let otherPort: FaultServer
let plainHttp: FaultServer

beforeAll(async () => {
  ca = await createTestCa()
  const tls = await ca.issue([{ ip: '127.0.0.1' }])
  ;[origin, otherPort, plainHttp] = await Promise.all([
    startFaultServer(tls),
    startFaultServer(tls),
    startFaultServer()
  ])
})
afterAll(async () => {
  await Promise.all([origin.close(), otherPort.close(), plainHttp.close()])
  await ca.close()
})
beforeEach(() => {
  for (const server of [origin, otherPort, plainHttp]) server.reset()
})

/** Answers every request with a redirect to `location`. */
const redirectTo =
  (location: string, status = 302): FaultHandler =>
  (_req, res) => {
    res.writeHead(status, { Location: location, 'Content-Length': '0' })
    res.end()
  }

/** Discovery (GET) of 'FaultGroup' against the fault server `origin`, with the given token. */
function discover(env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { 'service-name': 'FaultGroup', method: 'GET', url: origin.url, token },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile, ...env }
  })
}

function expectNoLeaks(result: ActionRun): void {
  expectNoSecretLeaks(result, [token, clientSecret, ...sim().issuedTokens])
}

describe('GET (discovery) follows a redirect, without the token once it leaves the origin', () => {
  it.each(logModes)(
    '302 to another host name (127.0.0.1 → localhost): arrives without Authorization ($mode)',
    async ({ env }) => {
      sim().script('UserSessionService', {
        status: 302,
        headers: { Location: `https://localhost:${sim().port}/api/services/UserSessionService` }
      })
      const result = await runAgainst(sim(), {
        inputs: {
          'service-name': 'UserSessionService',
          method: 'GET',
          ...clientSecretInputs(sim(), { clientId, clientSecret })
        },
        env
      })

      const [first, redirected, ...others] = sim().requests.filter(r => r.kind === 'service')
      expect(others).toEqual([])
      expect(first.headers['host']).toBe(`127.0.0.1:${sim().port}`)
      expect(first.headers['authorization']).toBe(`Bearer ${sim().issuedTokens[0]}`)
      expect(redirected.headers['host']).toBe(`localhost:${sim().port}`)
      expect(redirected.headers['authorization']).toBeUndefined()
      // Without the token, F&O at the other name refuses; the step says so.
      expectFailure(
        result,
        /^GET https:\/\/127\.0\.0\.1:\d+\/api\/services\/UserSessionService failed: HTTP 401 Unauthorized/
      )
      expectOutputs(result, { status: '401', attempts: '1' })
      expect(
        sim().requests.filter(r => r.headers['host'] !== `127.0.0.1:${sim().port}`)
      ).toHaveLength(1)
      expectNoLeaks(result)
    }
  )

  it('302 to the same host name on another port: arrives without Authorization', async () => {
    origin.handle(redirectTo(`${otherPort.url}/api/services/FaultGroup`))
    const result = await discover()

    expect(origin.requests.map(r => r.authorization)).toEqual([`Bearer ${token}`])
    expect(otherPort.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/api/services/FaultGroup' })
    ])
    expect(otherPort.requests[0].authorization).toBeUndefined()
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    expectNoLeaks(result)
  })

  it('a relative redirect stays on the origin and keeps the token', async () => {
    origin.handle((req, res) => {
      if (req.url === '/api/services/FaultGroup/') {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"Services":[]}')
      } else redirectTo('/api/services/FaultGroup/', 301)(req, res)
    })
    const result = await discover()

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs['response']).toBe('{"Services":[]}')
    expect(origin.requests.map(r => [r.path, r.authorization])).toEqual([
      ['/api/services/FaultGroup', `Bearer ${token}`],
      ['/api/services/FaultGroup/', `Bearer ${token}`]
    ])
    expectNoLeaks(result)
  })

  it('refuses a redirect from https to http, and sends nothing there', async () => {
    origin.handle(redirectTo(`${plainHttp.url}/api/services/FaultGroup`))
    const result = await discover()

    expectFailure(
      result,
      new RegExp(
        `^GET ${origin.url.replace(/\./g, '\\.')}/api/services/FaultGroup failed: refused the redirect \\(HTTP 302\\) from https to http://127\\.0\\.0\\.1:${plainHttp.port}/api/services/FaultGroup$`
      )
    )
    expectOutputs(result, { status: '', attempts: '1' })
    expect(plainHttp.requests).toEqual([])
    expectNoLeaks(result)
  })

  it('stops after 5 redirects', async () => {
    origin.handle((req, res) => redirectTo(`${req.url}x`)(req, res))
    const result = await discover()

    expectFailure(
      result,
      /^GET https:\/\/127\.0\.0\.1:\d+\/api\/services\/FaultGroup failed: more than 5 redirects$/
    )
    expect(origin.requests).toHaveLength(6)
    expectNoLeaks(result)
  })
})

describe('POST and token requests never follow a redirect', () => {
  it.each(logModes)('a POST answered with 302 fails, naming HTTP 302 ($mode)', async ({ env }) => {
    sim().script(sessionInfo, {
      status: 302,
      headers: { Location: `https://localhost:${sim().port}/api/services/${sessionInfo}` }
    })
    const result = await runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}' },
      env
    })

    expectFailure(
      result,
      new RegExp(`^POST https://127\\.0\\.0\\.1:\\d+/api/services/${sessionInfo} failed: HTTP 302$`)
    )
    expectOutputs(result, { status: '302', attempts: '1' })
    expect(JSON.parse(result.outputs['headers'])['location']).toBe(
      `https://localhost:${sim().port}/api/services/${sessionInfo}`
    )
    expect(sim().requests.map(r => [r.method, r.headers['host']])).toEqual([
      ['POST', `127.0.0.1:${sim().port}`]
    ])
    expectNoLeaks(result)
  })

  it('a token request answered with 302 fails; the client secret is sent once, to authority-host only', async () => {
    sim().script('token', {
      status: 302,
      headers: { Location: `https://localhost:${sim().port}/${sim().tenant}/oauth2/v2.0/token` }
    })
    const result = await runAgainst(sim(), {
      inputs: {
        'service-name': sessionInfo,
        payload: '{}',
        ...clientSecretInputs(sim(), { clientId, clientSecret })
      }
    })

    expectFailure(
      result,
      /^Token request to https:\/\/127\.0\.0\.1:\d+\/\S+ failed: POST \S+\/oauth2\/v2\.0\/token failed: HTTP 302 /
    )
    expectOutputs(result, { status: '', attempts: '0' })
    const withSecret = sim().requests.filter(r => r.body.includes(encodeURIComponent(clientSecret)))
    expect(withSecret.map(r => [r.kind, r.headers['host']])).toEqual([
      ['token', `127.0.0.1:${sim().port}`]
    ])
    expect(sim().requests.filter(r => r.kind === 'service')).toEqual([])
    expectNoLeaks(result)
  })
})
