import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  runAction,
  runnerLines,
  type ActionRun,
  type RunOptions
} from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { errors, expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { dripBytes, startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'
import { createClientCertificate } from '../../sim/index.mjs'

// A hostile or broken authority-host: the sign-in requests keep timeout-sec as a deadline, read
// at most 1 MiB of any answer, and never print the signed client assertion they send.

const tenant = 'contoso.onmicrosoft.com'
const clientId = 'fault-limits-app'
const clientSecret = 'fault-limits-secret~Zr.5_41'
const accessToken = 'fault-limits-access-token-7e21c9'
const MiB = 1024 * 1024
// The step process's peak RSS stays far below what buffering the answers would take.
const MaxPeakRss = 150 * MiB

let ca: TestCa
let authority: FaultServer
let dripping: RawServer
let certificate: Awaited<ReturnType<typeof createClientCertificate>>

beforeAll(async () => {
  ca = await createTestCa()
  const tls = await ca.issue([{ ip: '127.0.0.1' }])
  authority = await startFaultServer(tls)
  // Answers every request with headers a byte at a time, for far longer than timeout-sec.
  dripping = await startRawServer(socket => {
    socket.once(
      'data',
      () => void dripBytes(socket, `HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(300)}`, 50)
    )
  }, tls)
  certificate = await createClientCertificate()
})
afterAll(async () => {
  await Promise.all([authority.close(), dripping.close()])
  await ca.close()
})
beforeEach(() => {
  authority.reset()
})

/** Signs in at `authorityHost` (the fault authority unless given) for a call that never comes. */
function signIn(
  inputs: Record<string, string> = {},
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  return runAction({
    killAfterMs: 30_000,
    ...options,
    inputs: {
      'service-name': 'FaultGroup/FaultService/Op',
      payload: '{}',
      url: 'https://fo.example',
      tenant,
      'client-id': clientId,
      'client-secret': clientSecret,
      'authority-host': authority.url,
      ...inputs
    },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile }
  })
}

/** The OpenID configuration of an authority at `origin`, as Entra ID publishes it. */
function openIdConfiguration(origin: string): Record<string, unknown> {
  const base = `${origin}/${tenant}`
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    response_types_supported: ['code', 'id_token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256']
  }
}

/** An authority that publishes its OpenID configuration and answers token requests with `token`. */
function authorityAnswering(
  token: (req: IncomingMessage, res: ServerResponse, body: () => string) => void
): void {
  authority.handle((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    if (req.method === 'GET' && req.url?.endsWith('/v2.0/.well-known/openid-configuration')) {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(openIdConfiguration(authority.url)))
      return
    }
    req.on('end', () => token(req, res, () => body))
  })
}

/** Writes 64 KiB chunks of `filler` as fast as the client reads, until the connection closes. */
function endless(res: ServerResponse, start: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.write(start)
  const chunk = Buffer.alloc(64 * 1024, ' ')
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
  }
  res.on('drain', pump)
  pump()
}

const signInFailed = (host: string): string =>
  `^Token request to ${host.replace(/\./g, '\\.')}/contoso\\.onmicrosoft\\.com failed: `

describe('timeout-sec on sign-in', () => {
  it('gives up on OpenID configuration headers sent a byte at a time', async () => {
    const host = `https://127.0.0.1:${dripping.port}`
    const result = await signIn({ 'authority-host': host, 'timeout-sec': '1' })

    expectFailure(
      result,
      new RegExp(
        `${signInFailed(host)}GET ${host.replace(/\./g, '\\.')}/contoso\\.onmicrosoft\\.com/v2\\.0/\\.well-known/openid-configuration failed: no response within 1 s \\(timeout-sec\\)$`
      )
    )
    expectOutputs(result, { status: '', attempts: '0' })
    // The deadline's message: a limit reset by each byte would not have fired while bytes came.
    expect(dripping.received).toMatch(
      /^GET \/contoso\.onmicrosoft\.com\/v2\.0\/\.well-known\/openid-configuration HTTP\/1\.1\r\n/
    )
    expectNoSecretLeaks(result, [clientSecret])
  })
})

describe('a throttled token answer whose body never ends', () => {
  it('retries after Retry-After without waiting for the body, then signs in', async () => {
    authorityAnswering((req, res) => {
      if (!req.url?.includes('/oauth2/v2.0/token')) {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"Called":true}')
        return
      }
      if (authority.requests.filter(r => r.method === 'POST').length > 1) {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(
          JSON.stringify({ token_type: 'Bearer', access_token: accessToken, expires_in: 3600 })
        )
        return
      }
      res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' })
      // A byte every 50 ms: never a stall, never an end.
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 50)
      res.on('close', () => clearInterval(timer))
    })
    const result = await signIn({
      url: authority.url,
      'retry-timeout': '00:00:10',
      'timeout-sec': '5'
    })

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    const [first, second, call] = authority.requests.filter(r => r.method === 'POST')
    // It retried at all, so it never waited for the endless body; and not before Retry-After.
    expect(second.time - first.time).toBeGreaterThanOrEqual(950)
    expect(call.authorization).toBe(`Bearer ${accessToken}`)
    expectNoSecretLeaks(result, [clientSecret, accessToken])
  })
})

describe('1 MiB cap on sign-in answers', () => {
  it('stops an endless OpenID configuration at 1 MiB, in little memory', async () => {
    authority.handle((_req, res) => endless(res, '{"token_endpoint":"'))
    const result = await signIn({}, { measurePeakRss: true })

    expectFailure(
      result,
      new RegExp(
        `${signInFailed(authority.url)}GET \\S+/v2\\.0/\\.well-known/openid-configuration failed: the response body is larger than 1 MiB \\(the limit for sign-in answers\\)$`
      )
    )
    expectOutputs(result, { status: '', attempts: '0' })
    expect(result.peakRssBytes).toBeLessThan(MaxPeakRss)
    expectNoSecretLeaks(result, [clientSecret])
  })

  it('stops an endless token response at 1 MiB, in little memory', async () => {
    authorityAnswering((_req, res) => endless(res, '{"access_token":"'))
    const result = await signIn({}, { measurePeakRss: true })

    expectFailure(
      result,
      new RegExp(
        `${signInFailed(authority.url)}POST \\S+/oauth2/v2\\.0/token failed: the response body is larger than 1 MiB \\(the limit for sign-in answers\\)$`
      )
    )
    expect(authority.requests.map(r => r.method)).toEqual(['GET', 'POST'])
    expect(result.peakRssBytes).toBeLessThan(MaxPeakRss)
    expectNoSecretLeaks(result, [clientSecret])
  })
})

describe('the certificate’s client assertion', () => {
  it('is masked when made: a token endpoint that echoes the request cannot print it', async () => {
    let assertion = ''
    authorityAnswering((_req, res, body) => {
      assertion = new URLSearchParams(body()).get('client_assertion') ?? ''
      res.writeHead(401, { 'Content-Type': 'application/json' })
      res.end(
        JSON.stringify({
          error: 'invalid_client',
          error_description: `AADSTS700027: Client assertion failed signature validation. Request: ${body()}`
        })
      )
    })
    const result = await signIn({ 'client-secret': '', 'client-certificate': certificate.pem })

    expect(assertion.split('.')).toHaveLength(3)
    const error = expectFailure(
      result,
      new RegExp(
        `${signInFailed(authority.url)}AADSTS700027: Client assertion failed signature validation\\.`
      )
    )
    expect(error).toContain('client_assertion=***')
    expectOutputs(result, { status: '', attempts: '0' })
    // Registered with the runner before anything could print it; never in stderr, outputs or summary.
    expect(runnerLines(result.stdout)).toContain(`::add-mask::${assertion}`)
    expect(errors(result).join('\n')).not.toContain(assertion.split('.')[2])
    expectNoSecretLeaks(result, [assertion, certificate.privateKeyPem])
  })
})
