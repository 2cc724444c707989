import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'
import { useSimulator, federatedSignIn } from '../../__fixtures__/simulator.js'
import { useTrustedCa } from '../../__fixtures__/trusted-ca.js'
import { createClientCertificate } from '../../sim/index.mjs'
import type { TokenRequestPolicy } from '../../src/sign-in/msal-network.js'
import type { AppRegistration, Credential } from '../../src/inputs/settings.js'

jest.unstable_mockModule('@actions/core', () => core)
const { acquireToken, signIn } = await import('../../src/sign-in/auth.js')
const { CallError } = await import('../../src/common/errors.js')

// Sign-in in process, through MSAL and the action's own transport, against the simulated Entra ID
// and GitHub OIDC service on loopback: what the user sees when it works and when Entra says no.

const secretApp = { clientId: 'entra-secret-app', clientSecret: 'entra~secret.value_123' }
const certificateAppId = 'entra-certificate-app'
const federatedAppId = 'entra-federated-app'
const subject = 'repo:octo-org/octo-repo:environment:production'
let certificate: Awaited<ReturnType<typeof createClientCertificate>>

beforeAll(async () => {
  certificate = await createClientCertificate()
})
const sim = useSimulator(() => ({
  clients: [secretApp],
  certificateClients: [{ clientId: certificateAppId, certificatePem: certificate.certificatePem }],
  ...federatedSignIn(federatedAppId, subject)
}))
useTrustedCa(() => sim().caPem)

const lines: string[] = []
const policy: TokenRequestPolicy = {
  timeoutMs: 10_000,
  retryTimeoutMs: 0,
  now: () => Date.now(),
  sleep: async () => undefined,
  info: line => lines.push(line)
}
const oidcVariables = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN']

beforeEach(() => {
  jest.resetAllMocks()
  lines.length = 0
  sim().oidc.subject = subject
})
afterEach(() => {
  for (const name of oidcVariables) delete process.env[name]
})

function app(clientId: string): AppRegistration {
  return {
    tenant: sim().tenant,
    clientId,
    authorityHost: sim().authorityHost,
    scope: `${sim().url}/.default`
  }
}
const secret = (
  clientSecret = secretApp.clientSecret,
  clientId = secretApp.clientId
): Credential => ({
  kind: 'client-secret',
  app: app(clientId),
  clientSecret
})
const where = (): string => `Token request to ${sim().authorityHost}/${sim().tenant} failed`
const masked = (): string[] => core.setSecret.mock.calls.map(([value]) => value)

describe('acquireToken', () => {
  it('returns a given token as it is, without a request', async () => {
    await expect(acquireToken({ kind: 'token', token: 'given-token' }, policy)).resolves.toEqual({
      token: 'given-token',
      expiresAtMs: undefined
    })
    expect(sim().requests).toEqual([])
  })

  it('signs in with a client secret and masks the token the moment it exists', async () => {
    const before = Date.now()
    const { token, expiresAtMs } = await acquireToken(secret(), policy)

    expect(sim().issuedTokens).toEqual([token])
    // When it expires, from Entra's expires_in: what renewal before a later poll goes by.
    const grant = sim().tokenGrants[0]!
    expect(expiresAtMs).toBeGreaterThan(before)
    // MSAL counts expires_in from its own clock, rounded to the second.
    expect(Math.abs((expiresAtMs ?? 0) - grant.expiresAt)).toBeLessThanOrEqual(2000)
    expect(sim().tokenGrants[0]).toMatchObject({
      clientId: secretApp.clientId,
      credential: 'secret'
    })
    expect(masked()).toContain(token)
    const form = new URLSearchParams(sim().requests.find(r => r.kind === 'token')?.body)
    expect(form.get('scope')).toBe(`${sim().url}/.default`)
    expect(form.get('client_secret')).toBe(secretApp.clientSecret)
  })

  it('signs in with a certificate: a signed assertion, no secret', async () => {
    const { token } = await acquireToken(
      {
        kind: 'certificate',
        app: app(certificateAppId),
        certificate: {
          privateKey: certificate.privateKeyPem,
          thumbprintSha256: certificate.thumbprintSha256,
          chainPem: certificate.certificatePem
        }
      },
      policy
    )

    expect(sim().tokenGrants).toMatchObject([
      { clientId: certificateAppId, credential: 'certificate' }
    ])
    expect(masked()).toContain(token)
  })

  it('signs in with GitHub OIDC: the job’s ID token, asked for the audience, masked', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = sim().oidc.requestUrl
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = sim().oidc.requestToken
    const { token } = await acquireToken(
      {
        kind: 'oidc',
        app: app(federatedAppId),
        audience: 'api://AzureADTokenExchange',
        implicit: false
      },
      policy
    )

    expect(sim().tokenGrants).toMatchObject([{ clientId: federatedAppId, credential: 'federated' }])
    const oidcRequest = sim().requests.find(r => r.kind === 'oidc')
    expect(new URLSearchParams(oidcRequest?.query).get('audience')).toBe(
      'api://AzureADTokenExchange'
    )
    expect(oidcRequest?.headers['authorization']).toBe(`Bearer ${sim().oidc.requestToken}`)
    expect(masked()).toEqual(
      expect.arrayContaining([sim().oidc.requestToken, sim().oidc.issuedTokens[0], token])
    )
  })
})

describe('signIn: the token for each request', () => {
  it('signs in again, the same way, once half a short-lived token lifetime has passed', async () => {
    sim().tokenLifetimes([{ expiresInSeconds: 299 }])
    let aheadMs = 0
    const tokens = await signIn(secret(), { ...policy, now: () => Date.now() + aheadMs })
    // 200 s later, 99 s of 299 are left: less than half, and less than 5 minutes.
    aheadMs = 200_000
    const renewed = await tokens.current()

    expect(sim().issuedTokens).toHaveLength(2)
    expect(renewed).toBe(sim().issuedTokens[1])
    expect(lines).toContainEqual(
      expect.stringMatching(/^The token expires in \d+ s: signing in again$/)
    )
    // The renewed token lives an hour: no third sign-in.
    await expect(tokens.current()).resolves.toBe(renewed)
    expect(sim().issuedTokens).toHaveLength(2)
  })

  it('hands out a given token as it is, every time', async () => {
    const tokens = await signIn({ kind: 'token', token: 'given-token' }, policy)

    await expect(tokens.current()).resolves.toBe('given-token')
    await expect(tokens.current()).resolves.toBe('given-token')
    expect(sim().requests).toEqual([])
  })
})

describe('a refused sign-in names Entra’s code and the input to fix', () => {
  it('a wrong client secret: AADSTS7000215 and client-secret', async () => {
    const signIn = acquireToken(secret('not-the-secret'), policy)

    await expect(signIn).rejects.toThrow(CallError)
    await expect(signIn).rejects.toThrow(
      new RegExp(`^${escape(where())}: AADSTS7000215: .*Check 'client-secret'\\.$`)
    )
  })

  it('an unknown app: AADSTS700016, client-id and tenant', async () => {
    await expect(acquireToken(secret('x', 'no-such-app'), policy)).rejects.toThrow(
      new RegExp(`^${escape(where())}: AADSTS700016: .*Check 'client-id' and 'tenant'\\.$`)
    )
  })

  it('a GitHub subject the federated credential does not name: AADSTS700213 and the subject sent', async () => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = sim().oidc.requestUrl
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = sim().oidc.requestToken
    sim().oidc.subject = 'repo:octo-org/octo-repo:ref:refs/heads/main'

    await expect(
      acquireToken(
        {
          kind: 'oidc',
          app: app(federatedAppId),
          audience: 'api://AzureADTokenExchange',
          implicit: false
        },
        policy
      )
    ).rejects.toThrow(
      "GitHub sent the subject 'repo:octo-org/octo-repo:ref:refs/heads/main': register it as the federated credential's subject."
    )
  })

  it('OIDC without id-token permission: says which variable is missing, before asking Entra', async () => {
    await expect(
      acquireToken(
        {
          kind: 'oidc',
          app: app(federatedAppId),
          audience: 'api://AzureADTokenExchange',
          implicit: false
        },
        policy
      )
    ).rejects.toThrow(
      `${where()}: GitHub OIDC: ACTIONS_ID_TOKEN_REQUEST_URL is not set; add 'permissions: id-token: write' to the job`
    )
    expect(sim().requests.filter(r => r.kind === 'token')).toEqual([])
  })

  it('a token endpoint that fails: what the network saw, with the status', async () => {
    sim().script('token', { status: 503, body: { error: 'temporarily_unavailable' } })
    sim().script('token', { status: 503, body: '' })
    sim().script('token', { status: 503, body: '' })

    await expect(acquireToken(secret(), policy)).rejects.toThrow(
      `${where()}: POST ${sim().authorityHost}/${sim().tenant}/oauth2/v2.0/token failed: HTTP 503`
    )
    // Two retries of a 5xx, then the third answer is the failure.
    expect(sim().requests.filter(r => r.kind === 'token')).toHaveLength(3)
  })

  it('a token endpoint that cuts the connection: the transport’s error, no secret', async () => {
    sim().script('token', { destroy: 'reset' })

    const signIn = acquireToken(secret(), policy)
    await expect(signIn).rejects.toThrow(
      `${where()}: POST ${sim().authorityHost}/${sim().tenant}/oauth2/v2.0/token failed: `
    )
    await expect(signIn).rejects.not.toThrow(secretApp.clientSecret)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
