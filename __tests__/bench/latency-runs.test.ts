import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDelayRelay, type DelayRelay } from '../../bench/delay-relay.mjs'
import { runProcess, type ProcessRun } from '../../bench/measure.mjs'
import { startRedirectProxy, type RedirectProxy } from '../../bench/redirect-proxy.mjs'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// What the latency scenario's figures assume of its runs: the two sign-in floors make the
// requests a client-secret call makes (one token request, one GET), the overlapped one really
// connects to F&O before it has the token and the sequential one only after, and the action
// behind the relays (F&O direct, the authority a known cloud through the CONNECT proxy) still
// sends one request to each.
const app = { clientId: 'bench-latency-app', clientSecret: 'bench-latency~secret_1' }
const token = 'bench-latency-static-token'
const cloud = 'login.microsoftonline.com'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const floorScript = fileURLToPath(new URL('../../bench/floor.mjs', import.meta.url))

let fo: DelayRelay
let authority: DelayRelay
let proxy: RedirectProxy
let scratch: string

// Before useSimulator: the simulator's audience is the F&O relay's address.
beforeAll(async () => {
  fo = await startDelayRelay()
  authority = await startDelayRelay()
  scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-latency-'))
})
const sim = useSimulator(() => ({
  clients: [app],
  staticTokens: [token],
  hostnames: [cloud],
  audience: fo.url
}))
beforeAll(async () => {
  fo.forwardTo(sim().port)
  authority.forwardTo(sim().port)
  proxy = await startRedirectProxy(authority.port)
})
afterAll(async () => {
  await proxy?.close()
  await fo?.close()
  await authority?.close()
  await rm(scratch, { recursive: true, force: true })
})

function signInFloor(overlap: boolean): Promise<ProcessRun> {
  const signIn = {
    tokenUrl: `https://${cloud}/${sim().tenant}/oauth2/v2.0/token`,
    dial: { host: '127.0.0.1', port: authority.port },
    scope: `${fo.url}/.default`,
    ...app
  }
  return runProcess({
    node: process.execPath,
    script: floorScript,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_EXTRA_CA_CERTS: sim().caFile,
      BENCH_FLOOR_URL: `${fo.url}/api/services/${sessionInfo}`,
      BENCH_FLOOR_SIGN_IN: JSON.stringify(signIn),
      ...(overlap ? { BENCH_FLOOR_OVERLAP: '1' } : {})
    },
    cwd: scratch
  })
}

/** `kind METHOD path (host)` of each request the simulator received. */
function received(): string[] {
  return sim().requests.map(r => `${r.kind} ${r.method} ${r.path} (${r.headers['host']})`)
}

/** The token answer, held back: whatever connects to F&O meanwhile did so before the token. */
const HoldMs = 1500
function holdTheToken(): void {
  sim().script('token', {
    status: 200,
    delayMs: HoldMs,
    body: { token_type: 'Bearer', expires_in: 3599, access_token: token }
  })
}

/** When the F&O connection's handshake completed (the authority's carries the cloud's name). */
function foHandshakeTime(): number {
  const handshakes = sim().tlsHandshakes.filter(h => h.servername === undefined)
  expect(handshakes).toHaveLength(1)
  return handshakes[0].time
}

describe('the sign-in floors', () => {
  it.each([false, true])(
    'send one token request and then the GET, as a client-secret call does (overlap %s)',
    async overlap => {
      const run = await signInFloor(overlap)

      expect(run.exitCode).toBe(0)
      expect(run.stdout).toMatch(/^status=200 bytes=[1-9]\d*\n$/)
      expect(received()).toEqual([
        `token POST /${sim().tenant}/oauth2/v2.0/token (${cloud})`,
        `service GET /api/services/${sessionInfo} (127.0.0.1:${fo.port})`
      ])
      expect(sim().tlsHandshakes.map(h => h.servername)).toEqual(
        expect.arrayContaining([undefined, cloud])
      )
    }
  )

  it('sequential: connects to F&O only once it has the token', async () => {
    holdTheToken()

    expect((await signInFloor(false)).exitCode).toBe(0)

    const tokenArrived = sim().requests[0].time
    expect(foHandshakeTime()).toBeGreaterThanOrEqual(tokenArrived + HoldMs)
  })

  it('overlapped: connects to F&O while the token is on its way', async () => {
    holdTheToken()

    expect((await signInFloor(true)).exitCode).toBe(0)

    const tokenArrived = sim().requests[0].time
    expect(foHandshakeTime()).toBeLessThan(tokenArrived + HoldMs)
  })
})

describe('the calls behind the relays', () => {
  // GET, as the benchmark's calls and floors send.
  const base = { 'service-name': sessionInfo, method: 'GET' }
  const env = (): Record<string, string> => ({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' })

  it('client secret: one token request to the cloud, through the proxy; one GET to F&O, direct', async () => {
    const tunnels = proxy.tunnels.length
    const run = await runAgainst(sim(), {
      inputs: {
        ...base,
        url: fo.url,
        tenant: sim().tenant,
        'client-id': app.clientId,
        'client-secret': app.clientSecret,
        'authority-host': `https://${cloud}`
      },
      env: env()
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['status']).toBe('200')
    expect(received()).toEqual([
      `token POST /${sim().tenant}/oauth2/v2.0/token (${cloud})`,
      `service GET /api/services/${sessionInfo} (127.0.0.1:${fo.port})`
    ])
    expect(proxy.tunnels.slice(tunnels)).toEqual([`${cloud}:443`])
  })

  it('token: one GET to F&O through its relay', async () => {
    const connections = fo.connections()
    const run = await runAgainst(sim(), {
      inputs: { ...base, url: fo.url, token },
      env: env()
    })

    expect(run.exitCode).toBe(0)
    expect(received()).toEqual([`service GET /api/services/${sessionInfo} (127.0.0.1:${fo.port})`])
    expect(fo.connections()).toBeGreaterThan(connections)
  })
})
