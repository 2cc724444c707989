import { beforeAll, describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { pkcs12 } from '../../__fixtures__/pkcs12.js'
import { errors } from '../../__fixtures__/run-assertions.js'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { runAgainst, useSimulator, federatedSignIn } from '../../__fixtures__/simulator.js'
import { createClientCertificate, decodeJwt } from '../../sim/index.mjs'

type ClientCertificate = Awaited<ReturnType<typeof createClientCertificate>>

const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const secretApp = { clientId: 'secret-app-0002', clientSecret: 'env-secret~abc.123_XYZ' }
const certificateAppId = 'certificate-app-0003'
const federatedAppId = 'federated-app-0004'
const subject = 'repo:octo-org/octo-repo:environment:production'

let certificate: ClientCertificate

// Declared before useSimulator: hooks run in order, and the simulator registers this certificate.
beforeAll(async () => {
  certificate = await createClientCertificate()
})
const sim = useSimulator(() => ({
  clients: [secretApp],
  certificateClients: [{ clientId: certificateAppId, certificatePem: certificate.certificatePem }],
  ...federatedSignIn(federatedAppId, subject)
}))

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, payload: '{}', ...inputs },
    env
  })
}

const entra = (): Record<string, string> => ({
  tenant: sim().tenant,
  url: sim().url,
  'authority-host': sim().authorityHost
})
const oidcEnv = (): Record<string, string> => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: sim().oidc.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim().oidc.requestToken
})
function tokenForms(): URLSearchParams[] {
  const tokenRequests = sim().requests.filter(r => r.kind === 'token')
  return tokenRequests.map(r => new URLSearchParams(r.body))
}

describe('GitHub OIDC (workload identity federation)', () => {
  it('exchanges the job’s ID token for an Entra token without any secret', async () => {
    const result = await run({ ...entra(), 'client-id': federatedAppId }, oidcEnv())

    expect(errors(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('200')
    const oidcRequests = sim().requests.filter(r => r.kind === 'oidc')
    expect(oidcRequests).toHaveLength(1)
    expect(oidcRequests[0].headers['authorization']).toBe(`Bearer ${sim().oidc.requestToken}`)
    expect(new URLSearchParams(oidcRequests[0].query).get('audience')).toBe(
      'api://AzureADTokenExchange'
    )
    const [form] = tokenForms()
    expect(form.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    )
    expect(form.get('client_assertion')).toBe(sim().oidc.lastToken)
    expect(form.has('client_secret')).toBe(false)
    expectNoSecretLeaks(result, [
      sim().oidc.requestToken,
      ...sim().oidc.issuedTokens,
      ...sim().issuedTokens
    ])
  })

  it('asks the OIDC service for the oidc-audience given', async () => {
    const result = await run(
      {
        ...entra(),
        'client-id': federatedAppId,
        'oidc-audience': 'api://AzureADTokenExchangeUSGov'
      },
      oidcEnv()
    )

    expect(result.exitCode).toBe(1)
    const [oidc] = sim().requests.filter(r => r.kind === 'oidc')
    expect(new URLSearchParams(oidc.query).get('audience')).toBe('api://AzureADTokenExchangeUSGov')
    expect(errors(result)[0]).toMatch(/AADSTS700212/)
  })

  it('names the subject GitHub sent when no federated credential matches', async () => {
    sim().oidc.subject = 'repo:octo-org/octo-repo:ref:refs/heads/feature'
    const result = await run({ ...entra(), 'client-id': federatedAppId }, oidcEnv())

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /AADSTS700213.*GitHub sent the subject 'repo:octo-org\/octo-repo:ref:refs\/heads\/feature'/
      )
    ])
    expect(sim().requests.filter(r => r.kind === 'service')).toHaveLength(0)
    sim().oidc.subject = subject
  })

  it('says to add id-token: write when the job cannot mint an ID token', async () => {
    const result = await run({ ...entra(), 'client-id': federatedAppId })

    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/permissions: id-token: write/)
    expect(sim().requests).toHaveLength(0)
  })
})

describe('certificate', () => {
  it('signs the client assertion with the certificate and sends its chain', async () => {
    const result = await run({
      ...entra(),
      'client-id': certificateAppId,
      'client-certificate': certificate.pem
    })

    expect(errors(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    const [form] = tokenForms()
    const assertion = decodeJwt(form.get('client_assertion') ?? '')
    expect(assertion.header['x5t#S256']).toBe(
      Buffer.from(certificate.thumbprintSha256, 'hex').toString('base64url')
    )
    expect(assertion.header['x5c']).toBeDefined()
    expect(assertion.payload['iss']).toBe(certificateAppId)
    expectNoSecretLeaks(result, [certificate.privateKeyPem, ...sim().issuedTokens])
  })

  it('takes an encrypted key with client-certificate-password', async () => {
    const { createPrivateKey } = await import('node:crypto')
    const password = 'cert-password-9876'
    const encrypted = createPrivateKey(certificate.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password })
      .toString()
    const pem = `${encrypted}${certificate.certificatePem}`
    const result = await run({
      ...entra(),
      'client-id': certificateAppId,
      'client-certificate': pem,
      'client-certificate-password': password
    })

    expect(result.exitCode).toBe(0)
    expectNoSecretLeaks(result, [pem, password, certificate.privateKeyPem, ...sim().issuedTokens])
  })

  it('rejects an expired certificate before any request', async () => {
    const expired = await createClientCertificate({
      notBeforeDate: new Date(Date.now() - 10 * 86_400_000),
      notAfterDate: new Date(Date.now() - 86_400_000)
    })
    const result = await run({
      ...entra(),
      'client-id': certificateAppId,
      'client-certificate': expired.pem
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringMatching(/client-certificate.*expired/)])
    expect(sim().requests).toHaveLength(0)
    expectNoSecretLeaks(result, [expired.privateKeyPem])
  })

  it('names a PFX given in base64, with the openssl command that makes the PEM, before any request', async () => {
    const pfx = pkcs12(certificate.privateKeyPem, certificate.certificatePem).toString('base64')
    const result = await run({
      ...entra(),
      'client-id': certificateAppId,
      'client-certificate': pfx
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^Invalid client-certificate: is a PFX\/PKCS#12 file in base64, not PEM text: .*openssl pkcs12 -in cert\.pfx -nodes -out cert\.pem/
      )
    ])
    expect(sim().requests).toHaveLength(0)
    expectNoSecretLeaks(result, [pfx, certificate.privateKeyPem])
  })

  it('rejects a key that does not match the certificate', async () => {
    const other = await createClientCertificate()
    const result = await run({
      ...entra(),
      'client-id': certificateAppId,
      'client-certificate': `${other.privateKeyPem}${certificate.certificatePem}`
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringMatching(/client-certificate.*matches none/)])
    expect(sim().requests).toHaveLength(0)
  })
})

describe('Entra ID refusing the sign-in', () => {
  it("gives Entra's own text for a tenant the custom authority-host does not know", async () => {
    const result = await run({
      ...entra(),
      tenant: 'fabrikam.onmicrosoft.com',
      'client-id': secretApp.clientId,
      'client-secret': secretApp.clientSecret
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^Token request to https:\/\/127\.0\.0\.1:\d+\/fabrikam\.onmicrosoft\.com failed: GET \S+\/openid-configuration failed: HTTP 400 — AADSTS90002: Tenant 'fabrikam\.onmicrosoft\.com' not found\. .* Check 'tenant'/
      )
    ])
    expect(errors(result)[0]).not.toMatch(/endpoints_resolution_error|aka\.ms|Trace ID/)
    expect(sim().requests.map(r => [r.kind, r.status])).toEqual([['metadata', 400]])
  })
})

describe('precedence and environment defaults', () => {
  it('refuses two credentials, naming both', async () => {
    const result = await run({
      ...entra(),
      'client-id': secretApp.clientId,
      'client-secret': secretApp.clientSecret,
      token: 'abc.def.ghi'
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringMatching(/token and client-secret/)])
    expect(sim().requests).toHaveLength(0)
  })

  it('falls back to AZURE_* and D365FO_URL, masks the secret, and says where each setting came from', async () => {
    const result = await run(
      { 'authority-host': sim().authorityHost },
      {
        AZURE_TENANT_ID: sim().tenant,
        AZURE_CLIENT_ID: secretApp.clientId,
        AZURE_CLIENT_SECRET: secretApp.clientSecret,
        D365FO_URL: sim().url
      }
    )

    expect(errors(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(
      /url from environment.*tenant from environment.*client-id from environment.*client-secret from environment/
    )
    expect(result.stdout).toContain(`::add-mask::${secretApp.clientSecret}`)
    expect(tokenForms()[0].get('client_id')).toBe(secretApp.clientId)
    expectNoSecretLeaks(result, [secretApp.clientSecret, ...sim().issuedTokens])
  })

  it('prefers inputs to the environment', async () => {
    const result = await run(
      { ...entra(), 'client-id': secretApp.clientId, 'client-secret': secretApp.clientSecret },
      { AZURE_CLIENT_ID: 'someone-else', D365FO_URL: 'https://elsewhere.example.com' }
    )

    expect(result.exitCode).toBe(0)
    expect(tokenForms()[0].get('client_id')).toBe(secretApp.clientId)
  })

  it.each([
    ['https://login.microsoftonline.com/contoso', 'no path'],
    ['http://login.microsoftonline.com', 'https'],
    ['login.microsoftonline.com', 'absolute URL']
  ])('rejects authority-host %s', async (authorityHost, reason) => {
    const result = await run({
      ...entra(),
      'authority-host': authorityHost,
      'client-id': secretApp.clientId,
      'client-secret': secretApp.clientSecret
    })

    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([expect.stringMatching(new RegExp(`authority-host.*${reason}`))])
    expect(sim().requests).toHaveLength(0)
  })
})

describe('token renewal while polling', () => {
  const getStatus = 'SimTestService/JobService/GetStatus'

  /** Submits a job of four Executing steps (signed in with the client secret), returns its id. */
  async function submitJob(): Promise<string> {
    const submitted = await run({
      ...entra(),
      ...{ 'client-id': secretApp.clientId, 'client-secret': secretApp.clientSecret },
      'service-name': 'SimTestService/JobService/Submit',
      payload: '{"_steps":4}'
    })
    expect(submitted.exitCode).toBe(0)
    return (JSON.parse(submitted.outputs['response']) as { JobId: string }).JobId
  }

  it.each([
    [
      'certificate',
      () => ({ 'client-id': certificateAppId, 'client-certificate': certificate.pem }),
      {}
    ],
    ['GitHub OIDC, with a fresh GitHub ID token', () => ({ 'client-id': federatedAppId }), 'oidc']
  ] as const)('signs in again with %s before the token expires', async (_, inputs, mode) => {
    const jobId = await submitJob()
    // Only what the wait step sent counts below (reset() would forget the job too).
    const before = {
      requests: sim().requests.length,
      tokens: sim().issuedTokens.length,
      oidc: sim().oidc.issuedTokens.length
    }
    // A 5 s token is due for renewal 2.5 s in (half its lifetime; MSAL rounds the request time to
    // the second, so 2.25 to 2.75 s); F&O refuses it 3.5 s in, so the fifth poll, 4 s in, needs
    // the new token.
    sim().tokenLifetimes([{ expiresInSeconds: 5, validForMs: 3_500 }])
    const result = await run(
      {
        ...entra(),
        ...inputs(),
        'service-name': getStatus,
        payload: JSON.stringify({ _jobId: jobId }),
        until: "Status == 'Succeeded'",
        'poll-interval': '1'
      },
      mode === 'oidc' ? oidcEnv() : {}
    )

    expect(errors(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs['polls']).toBe('5')
    const requests = sim().requests.slice(before.requests)
    const tokens = sim().issuedTokens.slice(before.tokens)
    const statusCalls = requests.filter(r => r.kind === 'service')
    expect(statusCalls.map(r => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(statusCalls[0].headers['authorization']).toBe(`Bearer ${tokens[0]}`)
    expect(statusCalls.at(-1)?.headers['authorization']).toBe(`Bearer ${tokens[1]}`)
    const assertions = requests
      .filter(r => r.kind === 'token')
      .map(r => new URLSearchParams(r.body).get('client_assertion'))
    expect(assertions).toHaveLength(2)
    expect(new Set(assertions).size).toBe(2)
    if (mode === 'oidc') {
      // Each sign-in presented a GitHub ID token of its own.
      expect(requests.filter(r => r.kind === 'oidc')).toHaveLength(2)
      expect(assertions).toEqual(sim().oidc.issuedTokens.slice(before.oidc))
    }
  })
})

describe('auth pins the way to sign in', () => {
  const SecretQuestion =
    "is the secret's name right, and is it available to this workflow \\(forks, environments\\)\\?"

  it.each([
    {
      auth: 'token',
      inputs: (): Record<string, string> => ({ url: sim().url }),
      env: (): Record<string, string> => ({}),
      error: /^auth is token but token is empty — is the expression right/
    },
    {
      auth: 'certificate',
      inputs: (): Record<string, string> => ({ ...entra(), 'client-id': certificateAppId }),
      env: (): Record<string, string> => ({}),
      error: new RegExp(`^auth is certificate but client-certificate is empty — ${SecretQuestion}$`)
    },
    {
      // The job could mint an ID token: without the pin, this run would try GitHub OIDC.
      auth: 'client-secret',
      inputs: (): Record<string, string> => ({ ...entra(), 'client-id': secretApp.clientId }),
      env: oidcEnv,
      error: new RegExp(
        `^auth is client-secret but client-secret is empty — ${SecretQuestion} \\(AZURE_CLIENT_SECRET is not set either\\.\\)$`
      )
    },
    {
      auth: 'oidc',
      inputs: (): Record<string, string> => ({ ...entra(), 'client-id': federatedAppId }),
      env: (): Record<string, string> => ({ AZURE_CLIENT_SECRET: secretApp.clientSecret }),
      error:
        /^auth is oidc but the job cannot ask GitHub for an ID token \(ACTIONS_ID_TOKEN_REQUEST_URL is not set\) — add 'permissions: id-token: write' to the job/
    }
  ])(
    '$auth with its credential empty fails before any request',
    async ({ auth, inputs, env, error }) => {
      const result = await run({ ...inputs(), auth }, env())

      expect(result.exitCode).toBe(1)
      expect(errors(result)).toEqual([expect.stringMatching(error)])
      expect(result.outputs['error']).toBe(errors(result)[0])
      expect(sim().requests).toEqual([])
    }
  )

  it('token, given: calls with it and asks Entra ID nothing', async () => {
    const token = sim().issueToken({ clientId: secretApp.clientId })
    const result = await run({ url: sim().url, token, auth: 'token' })

    expect(errors(result)).toEqual([])
    expect(result.outputs['status']).toBe('200')
    expect(sim().requests.map(r => r.kind)).toEqual(['service'])
  })

  it('certificate, given: signs in with it', async () => {
    const result = await run({
      ...entra(),
      'client-id': certificateAppId,
      'client-certificate': certificate.pem,
      auth: 'certificate'
    })

    expect(errors(result)).toEqual([])
    expect(result.outputs['status']).toBe('200')
    expect(sim().tokenGrants.map(g => g.credential)).toEqual(['certificate'])
  })

  it('client-secret, given through AZURE_CLIENT_SECRET: signs in with it although OIDC is possible', async () => {
    const result = await run(
      { ...entra(), 'client-id': secretApp.clientId, auth: 'client-secret' },
      { ...oidcEnv(), AZURE_CLIENT_SECRET: secretApp.clientSecret }
    )

    expect(errors(result)).toEqual([])
    expect(result.outputs['status']).toBe('200')
    expect(sim().tokenGrants.map(g => g.credential)).toEqual(['secret'])
    expect(sim().requests.filter(r => r.kind === 'oidc')).toEqual([])
  })

  it('oidc, possible: uses GitHub OIDC and ignores AZURE_CLIENT_SECRET', async () => {
    const result = await run(
      { ...entra(), 'client-id': federatedAppId, auth: 'oidc' },
      { ...oidcEnv(), AZURE_CLIENT_SECRET: secretApp.clientSecret }
    )

    expect(errors(result)).toEqual([])
    expect(result.outputs['status']).toBe('200')
    expect(sim().tokenGrants.map(g => g.credential)).toEqual(['federated'])
    expect(tokenForms()[0].has('client_secret')).toBe(false)
  })

  it('auto, falling back to OIDC that fails: says no other credential was given; a pinned oidc does not', async () => {
    sim().oidc.subject = 'repo:octo-org/octo-repo:ref:refs/heads/feature'
    const auto = await run({ ...entra(), 'client-id': federatedAppId }, oidcEnv())
    const pinned = await run({ ...entra(), 'client-id': federatedAppId, auth: 'oidc' }, oidcEnv())
    sim().oidc.subject = subject

    const note =
      "(No client-secret, client-certificate or token was given, so GitHub OIDC was used: if you meant one of them, check the secret's name and that this workflow may read it, or set 'auth'.)"
    expect(errors(auto)).toEqual([expect.stringMatching(/AADSTS700213/)])
    expect(errors(auto)[0].endsWith(note)).toBe(true)
    expect(errors(pinned)).toEqual([expect.stringMatching(/AADSTS700213/)])
    expect(errors(pinned)[0]).not.toContain('No client-secret')
  })
})
