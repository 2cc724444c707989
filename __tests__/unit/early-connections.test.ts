import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { EarlyConnections } from '../../src/transport/early-connection-set.js'
import { openEarlyConnections } from '../../src/early-connections.js'
import { createTransport } from '../../src/transport/http.js'
import { readText } from '../../src/transport/response-body.js'
import { isolateProxyEnvironment } from '../../__fixtures__/proxy-environment.js'
import { startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'

// What the entry point opens before the rest of the action loads, decided from the inputs as
// the runner passes them (INPUT_<NAME>): F&O's origin, and the authority when the step signs in.
// Real sockets on loopback: a server counts the connections it accepts.

isolateProxyEnvironment()
let fo: { url: string; connections: () => number; server: Server }
let authority: RawServer
let early: EarlyConnections | undefined

beforeAll(async () => {
  let connections = 0
  const server = createServer((req, res) => res.end(`seen ${req.url}`))
  server.on('connection', () => connections++)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  fo = { url: `http://127.0.0.1:${port}`, connections: () => connections, server }
  // A TCP server: the TLS handshake goes nowhere, but the connection counts.
  authority = await startRawServer(() => undefined)
})
afterEach(() => {
  early?.close()
  early = undefined
})
afterAll(async () => {
  fo.server.closeAllConnections()
  await new Promise(resolve => fo.server.close(resolve))
  await authority.close()
})

/** The environment of a step with these inputs (names as in action.yml). */
function step(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return {
    ...env,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
    )
  }
}

const authorityHost = (): string => `https://127.0.0.1:${authority.port}`

/** Opens and waits until the connections are on the wire (or 2 s passed). */
async function open(env: Record<string, string>): Promise<EarlyConnections> {
  early = openEarlyConnections(env)
  await early.underway(2000)
  return early
}

describe('connections opened at start-up', () => {
  it('with a given token: one to F&O, which the call then uses; none to the authority', async () => {
    const before = { fo: fo.connections(), authority: authority.connections }
    const opened = await open(step({ url: fo.url, token: 'a-token' }))

    expect(opened.authority).toBeUndefined()
    expect(fo.connections()).toBe(before.fo + 1)
    const transport = createTransport({
      timeoutMs: 5000,
      followRedirects: false,
      pool: opened.service
    })
    try {
      const response = await transport.send({ method: 'GET', url: `${fo.url}/x`, headers: {} })
      expect(await readText(response.body, 5000)).toBe('seen /x')
    } finally {
      transport.close()
    }
    expect(fo.connections()).toBe(before.fo + 1)
    expect(authority.connections).toBe(before.authority)
  })

  it('with a client secret: one to F&O and one to the authority-host', async () => {
    const before = { fo: fo.connections(), authority: authority.connections }
    const opened = await open(
      step({
        'system-url': fo.url,
        'client-id': 'app',
        'client-secret': 'a-secret-value',
        'authority-host': authorityHost()
      })
    )

    expect(opened.service).toBeDefined()
    expect(opened.authority).toBeDefined()
    expect(fo.connections()).toBe(before.fo + 1)
    // The raw server counts a connection when it accepts it, a moment after the client connects.
    for (let waited = 0; authority.connections === before.authority && waited < 2000; waited += 10)
      await sleep(10)
    expect(authority.connections).toBe(before.authority + 1)
  })

  it('reads the environment defaults (D365FO_URL, AZURE_CLIENT_SECRET) as the inputs do', async () => {
    const opened = await open(
      step(
        { 'authority-host': authorityHost() },
        { D365FO_URL: fo.url, AZURE_CLIENT_SECRET: 'a-secret-value' }
      )
    )

    expect(opened.service).toBeDefined()
    expect(opened.authority).toBeDefined()
  })

  it('never throws: with a proxy variable that is no URL, the request on its pool names the variable', async () => {
    process.env['HTTPS_PROXY'] = '::::'
    // Loopback is never proxied: a host that would be (.invalid resolves nowhere).
    const opened = await open(step({ url: 'https://fo.invalid', token: 'a-token' }))
    const transport = createTransport({
      timeoutMs: 5000,
      followRedirects: false,
      pool: opened.service
    })
    try {
      await expect(
        transport.send({ method: 'GET', url: 'https://fo.invalid/x', headers: {} })
      ).rejects.toThrow('the proxy variable HTTPS_PROXY / https_proxy is not a URL')
    } finally {
      transport.close()
    }
  })

  it('opens nothing for a step that waits first (throttle-seed)', async () => {
    const before = fo.connections()
    const opened = await open(step({ url: fo.url, token: 'a-token', 'throttle-seed': '30' }))

    expect(opened.service).toBeUndefined()
    expect(opened.authority).toBeUndefined()
    await sleep(50)
    expect(fo.connections()).toBe(before)
  })

  it('opens nothing to a URL the inputs refuse, nor to the authority for credentials they refuse', async () => {
    const before = fo.connections()
    // http is accepted for loopback only; /api/services is added by the action itself.
    for (const url of ['http://fo.example', `${fo.url}/api/services`, 'not a url']) {
      const opened = await open(step({ url, token: 'a-token' }))
      expect(opened.service).toBeUndefined()
      opened.close()
    }
    // Two credentials under auth: auto is an input error: no sign-in.
    const opened = await open(
      step({
        url: fo.url,
        token: 'a-token',
        'client-secret': 'a-secret-value',
        'authority-host': authorityHost()
      })
    )
    expect(opened.authority).toBeUndefined()
    expect(fo.connections()).toBe(before + 1)
  })
})
