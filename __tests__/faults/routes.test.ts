import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { runAction, type ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// Where the token and the client secret may go: loopback is only 127.0.0.0/8, ::1 and
// localhost, and never goes through a proxy; an IPv6 literal is dialled, not looked up; the
// client secret goes to authority-host's origin only, whatever its OpenID metadata says.

const token = 'fault-routes-token-5b20c1'
const clientId = 'fault-routes-app'
const clientSecret = 'fault-routes-secret~Z3.k_91'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [{ clientId, clientSecret }], staticTokens: [token] })
let ca: TestCa
/** Trusts both the simulator's CA and the test CA, so only the action's own rules refuse. */
let bothCas: string
let caDir: string
let plainV4: FaultServer
let plainV6: FaultServer
let tlsV6: FaultServer
let elsewhere: FaultServer

/** A forward proxy that records what reaches it and forwards nothing. */
let proxy: http.Server
let proxyUrl: string
const proxied: string[] = []

beforeAll(async () => {
  ca = await createTestCa()
  caDir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-routes-'))
  bothCas = path.join(caDir, 'cas.pem')
  const [v6Cert, elsewhereCert] = await Promise.all([
    ca.issue([{ ip: '::1' }]),
    ca.issue([{ ip: '127.0.0.1' }])
  ])
  ;[plainV4, plainV6, tlsV6, elsewhere] = await Promise.all([
    startFaultServer(),
    startFaultServer(undefined, { host: '::1' }),
    startFaultServer(v6Cert, { host: '::1' }),
    startFaultServer(elsewhereCert)
  ])
  await writeFile(bothCas, `${sim().caPem.trim()}\n${await readFile(ca.caFile, 'utf8')}`)

  proxy = http.createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`)
    res.writeHead(502).end()
  })
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    proxied.push(`CONNECT ${req.url}`)
    socket.destroy()
  })
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  proxy.closeAllConnections()
  await new Promise(resolve => proxy.close(resolve))
  await Promise.all([plainV4, plainV6, tlsV6, elsewhere].map(server => server.close()))
  await ca.close()
  await rm(caDir, { recursive: true, force: true })
})
beforeEach(() => {
  for (const server of [plainV4, plainV6, tlsV6, elsewhere]) server.reset()
  proxied.length = 0
})

/** Every proxy variable a runner may carry, all pointing at the recording proxy. */
const proxyEnv = (): Record<string, string> => ({
  HTTP_PROXY: proxyUrl,
  http_proxy: proxyUrl,
  HTTPS_PROXY: proxyUrl,
  https_proxy: proxyUrl
})

/** A POST with the given token to `url`, outside the simulator. */
async function call(url: string, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({
    inputs: { 'service-name': sessionInfo, url, token, payload: '{}' },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile, ...env }
  })
  expectNoSecretLeaks(run, [token])
  return run
}

describe('loopback: only 127.0.0.0/8, ::1 and localhost, and never through a proxy', () => {
  it.each([
    ['127.0.0.1', () => plainV4, (port: number) => `http://127.0.0.1:${port}`],
    ['localhost', () => plainV4, (port: number) => `http://localhost:${port}`],
    ['[::1]', () => plainV6, (port: number) => `http://[::1]:${port}`]
  ])(
    'http://%s goes direct with HTTP_PROXY and HTTPS_PROXY set: the proxy sees nothing',
    async (_host, server, url) => {
      const result = await call(url(server().port), proxyEnv())

      expect(result.annotations).toEqual([])
      expect(result.exitCode).toBe(0)
      expectOutputs(result, { status: '200', attempts: '1' })
      expect(server().requests.map(r => [r.method, r.authorization])).toEqual([
        ['POST', `Bearer ${token}`]
      ])
      expect(proxied).toEqual([])
    }
  )

  it.each(['fo.localhost', 'localhost.localhost'])(
    'http://%s is not loopback: refused before any request, so no token crosses a proxy in clear text',
    async host => {
      const result = await call(`http://${host}:${plainV4.port}`, proxyEnv())

      expectFailure(
        result,
        /^Invalid url: must use https:\/\/ \(http:\/\/ is accepted only for localhost, 127\.0\.0\.1 and \[::1\]\)\. /
      )
      expectOutputs(result, { status: '', attempts: '0' })
      expect(proxied).toEqual([])
      expect(plainV4.requests).toEqual([])
    }
  )
})

describe('IPv6 literals', () => {
  it('calls https://[::1]:<port> end to end, verifying the certificate for ::1', async () => {
    const result = await call(tlsV6.url)

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(result.stdout).not.toContain('ENOTFOUND')
    expect(tlsV6.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/api/services/${sessionInfo}`,
        host: `[::1]:${tlsV6.port}`,
        authorization: `Bearer ${token}`
      })
    ])
  })

  it('signs in for url https://[::1]:<port> and sends that token to it', async () => {
    const result = await runAgainst(sim(), {
      inputs: {
        'service-name': sessionInfo,
        payload: '{}',
        tenant: sim().tenant,
        url: tlsV6.url,
        'authority-host': sim().authorityHost,
        'client-id': clientId,
        'client-secret': clientSecret
      },
      env: { NODE_EXTRA_CA_CERTS: bothCas }
    })

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(sim().tokenGrants.map(grant => grant.audience)).toEqual([tlsV6.url])
    expect(tlsV6.requests.map(r => r.authorization)).toEqual([`Bearer ${sim().issuedTokens[0]}`])
  })

  it('refuses a TLS certificate that is not for ::1, before the token is sent', async () => {
    // The certificate of `elsewhere` names 127.0.0.1 only; ::1 reaches it through no name.
    const wrongName = await startFaultServer(await ca.issue([{ ip: '127.0.0.1' }]), {
      host: '::1'
    })
    try {
      const result = await call(wrongName.url)

      expectFailure(result, /ERR_TLS_CERT_ALTNAME_INVALID/)
      expect(wrongName.requests).toEqual([])
    } finally {
      await wrongName.close()
    }
  })
})

describe('the client secret goes to the origin of authority-host only', () => {
  it.each([
    [
      'another port (a server of its own)',
      () => `${elsewhere.url}/${sim().tenant}/oauth2/v2.0/token`
    ],
    [
      'another host name, same server',
      () => `https://localhost:${sim().port}/${sim().tenant}/oauth2/v2.0/token`
    ],
    [
      'http:// on the same host and port',
      () => `http://127.0.0.1:${sim().port}/${sim().tenant}/oauth2/v2.0/token`
    ]
  ])('refuses a token endpoint on %s, before the secret is sent', async (_where, tokenEndpoint) => {
    const base = `${sim().authorityHost}/${sim().tenant}`
    sim().script('metadata', {
      body: {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        token_endpoint: tokenEndpoint()
      }
    })
    const result = await runAgainst(sim(), {
      inputs: {
        'service-name': sessionInfo,
        payload: '{}',
        tenant: sim().tenant,
        url: sim().url,
        'authority-host': sim().authorityHost,
        'client-id': clientId,
        'client-secret': clientSecret
      },
      env: { NODE_EXTRA_CA_CERTS: bothCas }
    })

    const other = new URL(tokenEndpoint()).origin
    expectFailure(
      result,
      new RegExp(
        `^Token request to https://127\\.0\\.0\\.1:${sim().port}/\\S+ failed: refused to send POST to ${other.replace(/[.]/g, '\\.')}: ` +
          `only 'authority-host' https://127\\.0\\.0\\.1:${sim().port} is trusted with the credentials, and the authority's OpenID metadata points elsewhere$`
      )
    )
    expectOutputs(result, { status: '', attempts: '0' })
    expect(elsewhere.requests).toEqual([])
    expect(sim().requests.map(r => r.kind)).toEqual(['metadata'])
    expect(sim().requests.filter(r => r.body.includes(encodeURIComponent(clientSecret)))).toEqual(
      []
    )
    expectNoSecretLeaks(result, [clientSecret])
  })
})
