import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startRedirectProxy, type RedirectProxy } from '../../bench/redirect-proxy.mjs'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import type { ScriptedResponse } from '../../sim/index.mjs'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// Polls and retries cost their requests and nothing more: the token of the sign-in and the
// connection to F&O (a proxy's tunnel included) serve every round while the server keeps the
// connection open. The simulator counts TLS handshakes by the name the client asked for (none
// for 127.0.0.1); the proxy lists every tunnel.
const app = { clientId: 'reuse-app', clientSecret: 'reuse-secret~K7_q' }
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [app], hostnames: ['fo.test', 'login.test'] })
let proxy: RedirectProxy

beforeAll(async () => {
  proxy = await startRedirectProxy(sim().port)
})
afterAll(async () => {
  await proxy?.close()
})

/** `Executing` for every round but the last, which answers `Succeeded`. */
function statusAnswers(rounds: number): ScriptedResponse[] {
  return Array.from({ length: rounds }, (_, i) => ({
    status: 200,
    body: { Status: i === rounds - 1 ? 'Succeeded' : 'Executing' }
  }))
}

function call(inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionRun> {
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

const count = (kind: string): number => sim().requests.filter(r => r.kind === kind).length
const handshakesFor = (servername: string | undefined): number =>
  sim().tlsHandshakes.filter(h => h.servername === servername).length

function expectSuccess(run: ActionRun): void {
  expect(run.annotations.filter(a => a.level === 'error')).toEqual([])
  expect(run.exitCode).toBe(0)
  expect(run.outputs['status']).toBe('200')
}

describe('a poll', () => {
  it('of 10 rounds: 10 requests over one TLS connection to F&O, with one token', async () => {
    sim().script(sessionInfo, statusAnswers(10))

    const run = await call({ until: "Status == 'Succeeded'", 'poll-interval': '1' })

    expectSuccess(run)
    expect(run.outputs['polls']).toBe('10')
    expect(count('service')).toBe(10)
    expect(handshakesFor(undefined)).toBe(1)
    expect(count('token')).toBe(1)
  })

  it('through a proxy: one tunnel to F&O for every round', async () => {
    sim().script(sessionInfo, statusAnswers(3))
    const before = proxy.tunnels.length

    const run = await call(
      {
        'system-url': `https://fo.test:${sim().port}`,
        'authority-host': `https://login.test:${sim().port}`,
        until: "Status == 'Succeeded'",
        'poll-interval': '1'
      },
      { HTTPS_PROXY: proxy.url }
    )

    expectSuccess(run)
    expect(count('service')).toBe(3)
    expect(proxy.tunnels.slice(before).filter(t => t.startsWith('fo.test:'))).toEqual([
      `fo.test:${sim().port}`
    ])
    expect(handshakesFor('fo.test')).toBe(1)
  })
})

describe('429 retries', () => {
  it('through a proxy reuse the tunnel and its TLS connection', async () => {
    sim().script(sessionInfo, [
      { status: 429, headers: { 'Retry-After': '1' }, body: { Message: 'Slow down' } },
      { status: 429, headers: { 'Retry-After': '1' }, body: { Message: 'Slow down' } }
    ])
    const before = proxy.tunnels.length

    const run = await call(
      {
        'system-url': `https://fo.test:${sim().port}`,
        'authority-host': `https://login.test:${sim().port}`
      },
      { HTTPS_PROXY: proxy.url }
    )

    expectSuccess(run)
    expect(run.outputs['attempts']).toBe('3')
    expect(proxy.tunnels.slice(before).filter(t => t.startsWith('fo.test:'))).toHaveLength(1)
    expect(handshakesFor('fo.test')).toBe(1)
  })
})
