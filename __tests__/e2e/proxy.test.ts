import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createProxy } from 'proxy'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// http-client never proxies loopback names, so the environment is reached by a test name that
// only the proxy can resolve: it connects fo.test to 127.0.0.1, like a corporate proxy would.
const testHost = 'fo.test'
const app = { clientId: 'proxy-app-0005', clientSecret: 'proxy-secret-~value_1' }
const proxyUser = 'proxy-user'
const proxyPassword = 'proxy-pa55word'

const sim = useSimulator({ clients: [app], hostnames: ['localhost', testHost] })
let proxy: http.Server
let proxyUrl: string
let tunnels: string[] = []
let requireAuth = false

beforeAll(async () => {
  const server = http.createServer()
  // Runs before the proxy's own CONNECT handler: records the target and resolves the test name.
  server.on('connect', (req: http.IncomingMessage) => {
    tunnels.push(req.url ?? '')
    req.url = (req.url ?? '').replace(`${testHost}:`, '127.0.0.1:')
  })
  const proxyServer = createProxy(server)
  proxyServer.authenticate = req =>
    !requireAuth ||
    req.headers['proxy-authorization'] ===
      `Basic ${Buffer.from(`${proxyUser}:${proxyPassword}`).toString('base64')}`
  proxy = proxyServer
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  proxy.closeAllConnections()
  await new Promise(resolve => proxy.close(resolve))
})
beforeEach(() => {
  tunnels = []
  requireAuth = false
})

function run(env: Record<string, string>): Promise<ActionRun> {
  const environment = `https://${testHost}:${sim().port}`
  return runAgainst(sim(), {
    inputs: {
      'service-name': 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
      payload: '{}',
      tenant: sim().tenant,
      // The token audience stays the environment's canonical URL; requests go to the proxied name.
      url: sim().url,
      'system-url': environment,
      'authority-host': environment,
      'client-id': app.clientId,
      'client-secret': app.clientSecret,
      'timeout-sec': '10'
    },
    env
  })
}

describe('proxy', () => {
  it('sends the token request and the service call through HTTPS_PROXY', async () => {
    const result = await run({ HTTPS_PROXY: proxyUrl })

    expect(result.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('200')
    expect(tunnels.length).toBeGreaterThanOrEqual(2)
    expect(new Set(tunnels)).toEqual(new Set([`${testHost}:${sim().port}`]))
    const kinds = sim().requests.map(r => r.kind)
    expect(kinds).toContain('token')
    expect(kinds).toContain('service')
    expect(sim().requests.every(r => r.headers['host'] === `${testHost}:${sim().port}`)).toBe(true)
  })

  it('reads the lower-case https_proxy too, and passes proxy credentials', async () => {
    requireAuth = true
    const withCredentials = proxyUrl.replace('http://', `http://${proxyUser}:${proxyPassword}@`)
    const result = await run({ https_proxy: withCredentials })

    expect(result.exitCode).toBe(0)
    expect(tunnels.length).toBeGreaterThanOrEqual(2)
    expectNoSecretLeaks(result, [app.clientSecret, ...sim().issuedTokens])
  })

  it('fails clearly when the proxy refuses the credentials', async () => {
    requireAuth = true
    const result = await run({ HTTPS_PROXY: proxyUrl.replace('http://', 'http://someone:wrong@') })

    expect(result.exitCode).toBe(1)
    expect(result.annotations.filter(a => a.level === 'error')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/407|proxy/i) })
    ])
    expect(sim().requests).toHaveLength(0)
  })

  it('names the variable, without its value, when the proxy variable is not a URL', async () => {
    const result = await run({ HTTPS_PROXY: `::::${proxyPassword}` })

    expect(result.exitCode).toBe(1)
    const errors = result.annotations.filter(a => a.level === 'error')
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'the proxy variable HTTPS_PROXY / https_proxy is not a URL'
        )
      })
    ])
    expect(result.stdout).not.toContain(proxyPassword)
    expect(sim().requests).toHaveLength(0)
  })

  it('obeys NO_PROXY: the host is dialled directly, not through the proxy', async () => {
    const result = await run({ HTTPS_PROXY: proxyUrl, NO_PROXY: `localhost,${testHost}` })

    // Outside the proxy, the test name resolves nowhere: the direct attempt fails on DNS.
    expect(result.exitCode).toBe(1)
    expect(result.annotations.find(a => a.level === 'error')?.message).toMatch(
      /ENOTFOUND|getaddrinfo/
    )
    expect(tunnels).toEqual([])
    expect(sim().requests).toHaveLength(0)
  })
})
