import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startRedirectProxy, type RedirectProxy } from '../../bench/redirect-proxy.mjs'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { getTlsMaterial } from '../../sim/certificates.mjs'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import { startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// While the token is acquired, the action opens its connection to F&O (through the proxy when
// the call would use one), so the call finds it ready; the requests stay the same: one to F&O,
// and as many to the authority as before. Each test tells a connection opened before the token
// from one opened after it causally: the token answer is held back, and the simulator records
// when each TLS handshake completed and for which name (none for 127.0.0.1).
const app = { clientId: 'preconnect-app', clientSecret: 'preconnect-secret~Z9_x' }
const token = 'preconnect-static-token-61c2'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const HoldMs = 1500

const sim = useSimulator({
  clients: [app],
  staticTokens: [token],
  hostnames: ['fo.test', 'login.test']
})
let proxy: RedirectProxy

beforeAll(async () => {
  proxy = await startRedirectProxy(sim().port)
})
afterAll(async () => {
  await proxy?.close()
})

/** Holds the token answer back; it carries the static token, which F&O accepts. */
function holdTheToken(): void {
  sim().script('token', {
    status: 200,
    delayMs: HoldMs,
    body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token }
  })
}

function signInAndCall(inputs: Record<string, string>, env?: Record<string, string>) {
  return runAgainst(sim(), {
    inputs: {
      ...clientSecretInputs(sim(), app),
      'service-name': sessionInfo,
      payload: '{}',
      // Named, so its TLS handshakes tell apart from F&O's (127.0.0.1).
      'authority-host': `https://localhost:${sim().port}`,
      ...inputs
    },
    env
  })
}

/** `kind METHOD path` of each request the simulator received. */
function received(): string[] {
  return sim().requests.map(r => `${r.kind} ${r.method} ${r.path}`)
}

const expectedRequests = (): string[] => [
  `metadata GET /${sim().tenant}/v2.0/.well-known/openid-configuration`,
  `token POST /${sim().tenant}/oauth2/v2.0/token`,
  `service POST /api/services/${sessionInfo}`
]

/** When each TLS handshake named `servername` (undefined: 127.0.0.1) completed. */
function handshakes(servername: string | undefined): number[] {
  return sim()
    .tlsHandshakes.filter(h => h.servername === servername)
    .map(h => h.time)
}

function tokenArrived(): number {
  const request = sim().requests.find(r => r.kind === 'token')
  if (!request) throw new Error('no token request')
  return request.time
}

function expectSuccess(run: ActionRun): void {
  expect(run.annotations.filter(a => a.level === 'error')).toEqual([])
  expect(run.exitCode).toBe(0)
  expect(run.outputs['status']).toBe('200')
}

describe('connecting to F&O while signing in', () => {
  it('opens the call’s connection before the token arrives; the call uses it, and the requests are unchanged', async () => {
    holdTheToken()

    const run = await signInAndCall({})

    expectSuccess(run)
    expect(received()).toEqual(expectedRequests())
    // One connection to F&O, and it was open before the token could have been answered.
    const fo = handshakes(undefined)
    expect(fo).toHaveLength(1)
    expect(fo[0]).toBeLessThan(tokenArrived() + HoldMs)
    // To the authority: the one opened while MSAL loaded, kept for both its requests — or, when a
    // starved CPU lets MSAL's first request win the race, that request's own; never a third.
    expect(handshakes('localhost').length).toBeGreaterThanOrEqual(1)
    expect(handshakes('localhost').length).toBeLessThanOrEqual(2)
    expect(run.outputs['attempts']).toBe('1')
  })

  it('for many calls: the shared connection opens while signing in, and the calls use it', async () => {
    holdTheToken()

    const run = await signInAndCall({
      'service-name': '',
      payload: '',
      calls: `- {service-name: ${sessionInfo}, payload: {}}\n- {service-name: ${sessionInfo}, payload: {}}`,
      concurrency: '1'
    })

    expect(run.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['failed']).toBe('0')
    expect(received()).toEqual([...expectedRequests(), expectedRequests()[2]])
    const fo = handshakes(undefined)
    expect(fo).toHaveLength(1)
    expect(fo[0]).toBeLessThan(tokenArrived() + HoldMs)
  })

  it('with a given token: one request to F&O over one connection', async () => {
    const run = await runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, payload: '{}', url: sim().url, token }
    })

    expectSuccess(run)
    expect(received()).toEqual([`service POST /api/services/${sessionInfo}`])
    expect(handshakes(undefined)).toHaveLength(1)
  })
})

describe('through a proxy', () => {
  const names = (): Record<string, string> => ({
    'system-url': `https://fo.test:${sim().port}`,
    'authority-host': `https://login.test:${sim().port}`
  })

  it('opens both tunnels ahead, one each for the authority and for F&O, and the requests use them', async () => {
    holdTheToken()
    const before = proxy.tunnels.length

    const run = await signInAndCall(names(), { HTTPS_PROXY: proxy.url })

    expectSuccess(run)
    expect(received()).toEqual(expectedRequests())
    // A starved CPU may let a request win the race with the connection opened ahead: then it
    // opens its own. The promise is the requests; the tunnels only go to the two origins.
    const tunnels = proxy.tunnels.slice(before)
    expect(new Set(tunnels)).toEqual(new Set([`login.test:${sim().port}`, `fo.test:${sim().port}`]))
    expect(handshakes('login.test').length).toBeLessThanOrEqual(2)
  })

  it('honours NO_PROXY: F&O is dialled directly (fo.test resolves nowhere) and the call reports its own failure', async () => {
    const before = proxy.tunnels.length

    const run = await signInAndCall(names(), {
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'fo.test'
    })

    // The authority still goes through the proxy; nothing for fo.test ever does.
    // (A starved CPU may add the call's own tunnel beside the one opened ahead.)
    const tunnels = proxy.tunnels.slice(before)
    expect(tunnels.length).toBeGreaterThanOrEqual(1)
    expect(new Set(tunnels)).toEqual(new Set([`login.test:${sim().port}`]))
    expectFailure(
      run,
      new RegExp(
        `^POST https://fo\\.test:${sim().port}/api/services/\\S+ failed: getaddrinfo (ENOTFOUND|EAI_AGAIN) fo\\.test$`
      )
    )
    expectOutputs(run, { status: '', attempts: '1' })
    expect(received()).toEqual(expectedRequests().slice(0, 2))
  })
})

describe('a pre-connection that fails', () => {
  let fo: RawServer

  beforeAll(async () => {
    // Certificate from the simulator's CA, for 127.0.0.1: the first connection is cut during
    // the handshake, later ones answer 200.
    const tls = await getTlsMaterial([])
    fo = await startRawServer(
      socket => {
        if (fo.connections === 1) {
          socket.destroy()
          return
        }
        socket.once('data', () =>
          socket.end(
            'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
          )
        )
      },
      { key: tls.keyPem, cert: tls.certPem }
    )
  })
  afterAll(async () => {
    await fo?.close()
  })

  it('is dropped: the call opens its own connection and succeeds', async () => {
    holdTheToken()

    const run = await signInAndCall({ url: `https://127.0.0.1:${fo.port}` })

    expectSuccess(run)
    expect(run.outputs['response']).toBe('{"ok":true}')
    expect(fo.connections).toBe(2)
    expect(fo.received.match(/^POST \/api\/services\//gm)).toHaveLength(1)
  })
})

describe('a step refused for a bad input', () => {
  it('sends no request: at most a CONNECT and a TLS handshake to each origin, as SECURITY.md says', async () => {
    const before = proxy.tunnels.length

    const run = await signInAndCall(
      {
        'system-url': `https://fo.test:${sim().port}`,
        'authority-host': `https://login.test:${sim().port}`,
        'retry-on': 'sometimes'
      },
      { HTTPS_PROXY: proxy.url }
    )

    expectFailure(run, /^Invalid retry-on 'sometimes'/)
    expect(received()).toEqual([])
    const tunnels = proxy.tunnels.slice(before)
    expect(tunnels.length).toBeLessThanOrEqual(2)
    for (const tunnel of tunnels) {
      expect([`login.test:${sim().port}`, `fo.test:${sim().port}`]).toContain(tunnel)
    }
    expect(sim().tlsHandshakes.length).toBeLessThanOrEqual(2)
  })
})
