import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  constants,
  X509Certificate
} from 'node:crypto'
import { Agent, request as httpsRequest } from 'node:https'
import iconv from 'iconv-lite'
import { useSimulator } from '../__fixtures__/simulator.js'
import {
  createClientCertificate,
  decodeJwt,
  NullReferenceMessage,
  signJwt,
  startSimulator,
  ThrottleMessages,
  type Simulator
} from '../sim/index.mjs'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  text: string
  json: () => any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTPS request to the simulator (no keep-alive unless an agent is given), trusting its CA. */
function call(
  sim: Simulator,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, sim.url)
    const req = httpsRequest(
      url,
      { method, ca: sim.caPem, agent: options.agent ?? false, headers: options.headers },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          const text = body.toString('utf8')
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text,
            json: () => JSON.parse(text)
          })
        })
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const TENANT = 'contoso.onmicrosoft.com'
const OIDC_AUDIENCE = 'api://AzureADTokenExchange'
const OIDC_SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'
const SESSION = '/api/services/UserSessionService/AifUserSessionService/GetUserSessionInfo'

let certPem: string
let certKeyPem: string

// Declared before useSimulator: hooks run in order, and the simulator registers this certificate.
beforeAll(async () => {
  const certificate = await createClientCertificate({ commonName: 'app-cert' })
  certPem = certificate.certificatePem
  certKeyPem = certificate.privateKeyPem
})
const sim = useSimulator(() => ({
  tenant: TENANT,
  clients: [{ clientId: 'app-1', clientSecret: 's3cr3t-value' }],
  certificateClients: [{ clientId: 'app-cert', certificatePem: certPem }],
  federatedClients: [
    {
      clientId: 'app-fed',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: OIDC_SUBJECT,
      audience: OIDC_AUDIENCE
    }
  ],
  staticTokens: ['tok-123']
}))

function form(values: Record<string, string>): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString()
  }
}

function tokenRequest(values: Record<string, string>): Promise<Answer> {
  return call(
    sim(),
    'POST',
    `/${TENANT}/oauth2/v2.0/token`,
    form({ grant_type: 'client_credentials', ...values })
  )
}

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** A certificate client assertion built by hand, as MSAL does (PS256 + x5t#S256). */
function certificateAssertion(signingKeyPem: string, claims: Record<string, unknown> = {}): string {
  const der = new X509Certificate(certPem).raw
  const header = {
    alg: 'PS256',
    typ: 'JWT',
    'x5t#S256': createHash('sha256').update(der).digest('base64url')
  }
  const now = Math.floor(Date.now() / 1000)
  const payload = {
    aud: `${sim().url}/${TENANT}/oauth2/v2.0/token`,
    iss: 'app-cert',
    sub: 'app-cert',
    nbf: now,
    exp: now + 600,
    jti: randomUUID(),
    ...claims
  }
  const input = `${b64url(header)}.${b64url(payload)}`
  const signature = sign('sha256', Buffer.from(input), {
    key: createPrivateKey(signingKeyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST
  })
  return `${input}.${signature.toString('base64url')}`
}

async function getOidcToken(audience = OIDC_AUDIENCE): Promise<string> {
  const answer = await call(
    sim(),
    'GET',
    `${sim().oidc.requestUrl}&audience=${encodeURIComponent(audience)}`,
    {
      headers: { Authorization: `Bearer ${sim().oidc.requestToken}` }
    }
  )
  expect(answer.status).toBe(200)
  return answer.json().value
}

async function issuedToken(): Promise<string> {
  const answer = await tokenRequest({
    client_id: 'app-1',
    client_secret: 's3cr3t-value',
    scope: `${sim().url}/.default`
  })
  expect(answer.status).toBe(200)
  return answer.json().access_token
}

describe('Entra ID endpoints', () => {
  it('serves the OpenID metadata, and AADSTS90002 for an unknown tenant', async () => {
    const answer = await call(sim(), 'GET', `/${TENANT}/v2.0/.well-known/openid-configuration`)
    expect(answer.status).toBe(200)
    const metadata = answer.json()
    expect(metadata.token_endpoint).toBe(`${sim().url}/${TENANT}/oauth2/v2.0/token`)
    expect(metadata.issuer).toBe(`${sim().url}/${TENANT}/v2.0`)
    expect(metadata.authorization_endpoint).toBe(`${sim().url}/${TENANT}/oauth2/v2.0/authorize`)
    expect(metadata.end_session_endpoint).toBe(`${sim().url}/${TENANT}/oauth2/v2.0/logout`)
    expect(metadata.jwks_uri).toBe(`${sim().url}/${TENANT}/discovery/v2.0/keys`)
    expect(sim().requests.map(r => r.kind)).toEqual(['metadata'])

    const unknown = await call(
      sim(),
      'GET',
      '/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration'
    )
    expect(unknown.status).toBe(400)
    expect(unknown.json().error_codes).toEqual([90002])
  })

  it('issues a token for a client secret and records it', async () => {
    const answer = await tokenRequest({
      client_id: 'app-1',
      client_secret: 's3cr3t-value',
      scope: `${sim().url}/.default`
    })
    expect(answer.status).toBe(200)
    const body = answer.json()
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 })
    const token = decodeJwt(body.access_token)
    expect(token.header).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(token.payload).toMatchObject({
      aud: sim().url,
      iss: `https://sts.windows.net/${TENANT}/`,
      tid: TENANT,
      appid: 'app-1',
      appidacr: '1',
      ver: '1.0'
    })
    const now = Date.now() / 1000
    expect(token.payload['exp']).toBeGreaterThan(now + 3500)
    expect(token.payload['exp']).toBeLessThan(now + 3700)
    expect(sim().issuedTokens).toEqual([body.access_token])
    expect(sim().tokenGrants[0]).toMatchObject({
      audience: sim().url,
      clientId: 'app-1',
      credential: 'secret'
    })
    expect(sim().requests[0]).toMatchObject({
      kind: 'token',
      method: 'POST',
      path: `/${TENANT}/oauth2/v2.0/token`
    })
    expect(sim().requests[0].body).toContain('client_secret=s3cr3t-value')
  })

  it('answers AADSTS700016 for an unknown client and AADSTS7000215 for a wrong secret', async () => {
    const unknown = await tokenRequest({
      client_id: 'nobody',
      client_secret: 'x',
      scope: `${sim().url}/.default`
    })
    expect(unknown.status).toBe(400)
    expect(unknown.json()).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] })
    expect(unknown.json().error_description).toMatch(
      /^AADSTS700016: Application with identifier 'nobody' was not found in the directory/
    )

    const wrong = await tokenRequest({
      client_id: 'app-1',
      client_secret: 'not-it',
      scope: `${sim().url}/.default`
    })
    expect(wrong.status).toBe(401)
    expect(wrong.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] })
    expect(wrong.json().error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/)
    expect(sim().issuedTokens).toEqual([])
  })

  it('rejects a scope without /.default', async () => {
    const answer = await tokenRequest({
      client_id: 'app-1',
      client_secret: 's3cr3t-value',
      scope: sim().url
    })
    expect(answer.status).toBe(400)
    expect(answer.json().error_codes).toEqual([1002012])
  })
})

describe('F&O services', () => {
  it('lists the catalogue at each level, under /api/services and a /namespaces prefix', async () => {
    const auth = { headers: { Authorization: 'Bearer tok-123' } }
    const groups = await call(sim(), 'GET', '/api/services', auth)
    expect(groups.status).toBe(200)
    expect(groups.json().ServiceGroups).toEqual(
      expect.arrayContaining([{ Name: 'UserSessionService' }, { Name: 'SimTestService' }])
    )
    const services = await call(sim(), 'GET', '/api/services/UserSessionService', auth)
    expect(services.json()).toEqual({ Services: [{ Name: 'AifUserSessionService' }] })
    const operations = await call(
      sim(),
      'GET',
      `/namespaces/${randomUUID()}/api/services/UserSessionService/AifUserSessionService`,
      auth
    )
    expect(operations.json().Operations).toEqual(
      expect.arrayContaining([{ Name: 'GetUserSessionInfo' }, { Name: 'ApplyTimeZone' }])
    )
    const operation = await call(sim(), 'GET', SESSION, auth)
    expect(operation.json()).toEqual({
      Parameters: [],
      Return: { Name: 'return', Type: 'AifUserSessionInfo' }
    })
    const missing = await call(sim(), 'GET', '/api/services/UserSessionService/NoSuchService', auth)
    expect(missing.status).toBe(404)
    expect(missing.json().Message).toContain('No HTTP resource was found')
    expect(sim().requests.every(r => r.kind === 'service')).toBe(true)
  })

  it('runs GetUserSessionInfo with an issued token, and answers 401 without one', async () => {
    const token = await issuedToken()
    const answer = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${token}` }
    })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(answer.text).toContain('"ExchangeRate":100.0')
    expect(answer.json()).toMatchObject({
      $id: '1',
      Company: 'USMF',
      UserId: 'app-1',
      IsSysAdmin: true
    })

    const anonymous = await call(sim(), 'POST', SESSION)
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.length).toBe(0)
    expect(anonymous.headers['www-authenticate']).toBe(
      `Bearer authorization_uri="${sim().url}/${TENANT}/oauth2/authorize", error="invalid_token"`
    )
  })

  it('rejects a token issued for another resource', async () => {
    const answer = await tokenRequest({
      client_id: 'app-1',
      client_secret: 's3cr3t-value',
      scope: 'https://other.example/.default'
    })
    const token = answer.json().access_token
    const denied = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${token}` }
    })
    expect(denied.status).toBe(401)
  })

  it('keeps a trailing slash in the resource, and F&O refuses that token', async () => {
    const answer = await tokenRequest({
      client_id: 'app-1',
      client_secret: 's3cr3t-value',
      scope: `${sim().url}//.default`
    })
    expect(decodeJwt(answer.json().access_token).payload['aud']).toBe(`${sim().url}/`)
    const denied = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${answer.json().access_token}` }
    })
    expect(denied.status).toBe(401)
    expect(denied.headers['www-authenticate']).toMatch(/error="invalid_token"$/)
  })

  it('signs access tokens with the key its JWKS publishes, and refuses any other signature', async () => {
    const token = await issuedToken()
    const keys = await call(sim(), 'GET', `/${TENANT}/discovery/v2.0/keys`)
    const [jwk] = keys.json().keys
    const decoded = decodeJwt(token)
    expect(decoded.header['kid']).toBe(jwk.kid)
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' })
    expect(verify('sha256', Buffer.from(decoded.signingInput), publicKey, decoded.signature)).toBe(
      true
    )

    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const forged = signJwt({ kid: jwk.kid }, decoded.payload, forger)
    const denied = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${forged}` }
    })
    expect(denied.status).toBe(401)
  })

  it('refuses expired tokens and tokens of another tenant made by issueToken, and takes its own', async () => {
    const now = Date.now()
    const tokens = {
      fresh: sim().issueToken({ clientId: 'app-1' }),
      expired: sim().issueToken({ issuedAt: now - 2 * 3_600_000, expiresAt: now - 3_600_000 }),
      otherTenant: sim().issueToken({ tenant: '99999999-8888-7777-6666-555555555555' }),
      otherAudience: sim().issueToken({ audience: 'https://other.example' })
    }
    const statuses: Record<string, number> = {}
    for (const [name, token] of Object.entries(tokens)) {
      const answer = await call(sim(), 'POST', SESSION, {
        headers: { Authorization: `Bearer ${token}` }
      })
      statuses[name] = answer.status
    }
    expect(statuses).toEqual({ fresh: 200, expired: 401, otherTenant: 401, otherAudience: 401 })
    expect(decodeJwt(tokens.expired).payload['exp']).toBe(Math.floor((now - 3_600_000) / 1000))
    expect(decodeJwt(tokens.otherTenant).payload['tid']).toBe(
      '99999999-8888-7777-6666-555555555555'
    )
    expect(sim().issuedTokens).toEqual(Object.values(tokens))
    expect(sim().tokenGrants.map(g => g.credential)).toEqual(['test', 'test', 'test', 'test'])
  })

  it('answers 401 to a valid token of an app missing from its Microsoft Entra applications', async () => {
    const local = await startSimulator({
      clients: [
        { clientId: 'registered-app', clientSecret: 'secret-1' },
        { clientId: 'unregistered-app', clientSecret: 'secret-2' }
      ],
      registeredApps: ['REGISTERED-app']
    })
    try {
      const statuses = []
      for (const clientId of ['registered-app', 'unregistered-app']) {
        const answer = await call(local, 'POST', SESSION, {
          headers: { Authorization: `Bearer ${local.issueToken({ clientId })}` }
        })
        statuses.push(answer.status)
        if (answer.status === 401) {
          expect(answer.headers['www-authenticate']).toBe(
            `Bearer authorization_uri="${local.url}/${local.tenant}/oauth2/authorize"`
          )
        } else {
          expect(answer.json().UserId).toBe('registered-app')
        }
      }
      expect(statuses).toEqual([200, 401])
    } finally {
      await local.close()
    }
  })

  it('echoes a windows-1252 body decoded with its charset', async () => {
    const bytes = iconv.encode('{"name":"Café – €5"}', 'windows-1252')
    const contentType = 'application/json;charset=windows-1252'
    const answer = await call(sim(), 'POST', '/api/services/SimTestService/EchoService/Echo', {
      headers: { Authorization: 'Bearer tok-123', 'Content-Type': contentType },
      body: bytes
    })
    expect(answer.status).toBe(200)
    expect(answer.json()).toEqual({
      received: { name: 'Café – €5' },
      contentType,
      bodyHex: bytes.toString('hex'),
      method: 'POST'
    })
    expect(sim().requests[0].bodyBytes.equals(bytes)).toBe(true)

    const invalid = await call(sim(), 'POST', '/api/services/SimTestService/EchoService/Echo', {
      headers: { Authorization: 'Bearer tok-123', 'Content-Type': 'application/json' },
      body: '{not json'
    })
    expect(invalid.status).toBe(400)
    expect(invalid.json()).toEqual({ Message: 'Invalid JSON payload' })
  })

  it('answers a scripted 429 first, then normally', async () => {
    sim().script('UserSessionService/AifUserSessionService/GetUserSessionInfo', [
      { status: 429, headers: { 'Retry-After': '1' }, body: { Message: 'Too many requests' } }
    ])
    const auth = { headers: { Authorization: 'Bearer tok-123' } }
    const first = await call(sim(), 'POST', SESSION, auth)
    expect(first.status).toBe(429)
    expect(first.headers['retry-after']).toBe('1')
    expect(first.json()).toEqual({ Message: 'Too many requests' })
    const second = await call(sim(), 'POST', SESSION, auth)
    expect(second.status).toBe(200)
    expect(sim().requests.map(r => [r.scripted ?? false, r.status])).toEqual([
      [true, 429],
      [false, 200]
    ])
  })

  it('streams a Large body of exactly the requested size', async () => {
    const size = 3 * 64 * 1024 + 17
    const answer = await call(sim(), 'POST', '/api/services/SimTestService/EchoService/Large', {
      headers: { Authorization: 'Bearer tok-123', 'Content-Type': 'application/json' },
      body: JSON.stringify({ bytes: size })
    })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-length']).toBe(String(size))
    expect(answer.body.length).toBe(size)
    expect(JSON.parse(answer.text).data).toHaveLength(size - 11)
  })

  it('answers Fail with an X++ exception', async () => {
    const answer = await call(sim(), 'POST', '/api/services/SimTestService/EchoService/Fail', {
      headers: { Authorization: 'Bearer tok-123' }
    })
    expect(answer.status).toBe(500)
    expect(answer.json()).toMatchObject({ ExceptionType: 'XppServicesException' })
  })
})

describe('F&O services for pipelines', () => {
  const auth = { headers: { Authorization: 'Bearer tok-123' } }
  const json = (body: unknown) => ({
    headers: { ...auth.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  const jobs = '/api/services/SimTestService/JobService'

  it('moves a submitted job through 404, Executing and its outcome, one step per status call', async () => {
    const submitted = await call(
      sim(),
      'POST',
      `${jobs}/Submit`,
      json({ _steps: 2, _notFoundFor: 1, _outcome: 'Failed' })
    )
    expect(submitted.status).toBe(200)
    const { JobId } = submitted.json()
    expect(JobId).toMatch(/^[0-9a-f-]{36}$/)
    const statuses: (number | string)[] = []
    for (let i = 0; i < 5; i++) {
      const answer = await call(sim(), 'POST', `${jobs}/GetStatus`, json({ _jobId: JobId }))
      statuses.push(answer.status === 200 ? answer.json().Status : answer.status)
    }
    expect(statuses).toEqual([404, 'Executing', 'Executing', 'Failed', 'Failed'])
  })

  it('answers 404 for a job it does not know', async () => {
    const answer = await call(sim(), 'POST', `${jobs}/GetStatus`, json({ _jobId: 'nope' }))
    expect(answer.status).toBe(404)
    expect(answer.json()).toEqual({ Message: "No status record for job 'nope'." })
  })

  it('answers 200 with Result false for an unbalanced journal', async () => {
    const validate = '/api/services/SimTestService/JournalService/Validate'
    const bad = await call(sim(), 'POST', validate, json({ _journalNum: 'GEN-1' }))
    expect(bad.status).toBe(200)
    expect(bad.json()).toEqual({
      $id: '1',
      Result: false,
      InfoMessages: [{ Type: 'Error', Text: 'Journal GEN-1 is not balanced.' }]
    })
    const good = await call(
      sim(),
      'POST',
      validate,
      json({ _journalNum: 'GEN-2', _balanced: true })
    )
    expect(good.json()).toMatchObject({ Result: true, InfoMessages: [] })
  })

  it("answers FailOData with OData's error body", async () => {
    const answer = await call(
      sim(),
      'POST',
      '/api/services/SimTestService/EchoService/FailOData',
      auth
    )
    expect(answer.status).toBe(500)
    expect(answer.json()).toMatchObject({
      error: {
        message: 'An error has occurred.',
        innererror: { type: expect.stringMatching(/AxODataWriteException$/) }
      }
    })
  })

  it('issues tokens with the queued lifetimes, and F&O refuses one past its validity', async () => {
    sim().tokenLifetimes([{ expiresInSeconds: 303, validForMs: 1 }])
    const first = await tokenRequest({
      client_id: 'app-1',
      client_secret: 's3cr3t-value',
      scope: `${sim().url}/.default`
    })
    expect(first.json()).toMatchObject({ expires_in: 303, ext_expires_in: 303 })
    expect(sim().tokenGrants[0]).toMatchObject({ expiresInSeconds: 303 })
    await new Promise(resolve => setTimeout(resolve, 20))
    const refused = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${first.json().access_token}` }
    })
    expect(refused.status).toBe(401)
    expect((await issuedToken()).split('.')).toHaveLength(3)
    expect(sim().tokenGrants[1]).toMatchObject({ expiresInSeconds: 3599 })
  })
})

describe('certificate client assertion', () => {
  it('accepts an assertion signed with the registered certificate', async () => {
    const answer = await tokenRequest({
      client_id: 'app-cert',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: certificateAssertion(certKeyPem),
      scope: `${sim().url}/.default`
    })
    expect(answer.status).toBe(200)
    expect(sim().tokenGrants[0]).toMatchObject({ clientId: 'app-cert', credential: 'certificate' })
    const session = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${answer.json().access_token}` }
    })
    expect(session.json().UserId).toBe('app-cert')
  })

  it('rejects a bad signature (AADSTS700027) and an expired assertion (AADSTS700024)', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem'
    })
    const bad = await tokenRequest({
      client_id: 'app-cert',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: certificateAssertion(otherKey.toString()),
      scope: `${sim().url}/.default`
    })
    expect(bad.status).toBe(401)
    expect(bad.json()).toMatchObject({ error: 'invalid_client', error_codes: [700027] })
    expect(bad.json().error_description).toContain('Client assertion failed signature validation')

    const now = Math.floor(Date.now() / 1000)
    const expired = await tokenRequest({
      client_id: 'app-cert',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: certificateAssertion(certKeyPem, { nbf: now - 3600, exp: now - 60 }),
      scope: `${sim().url}/.default`
    })
    expect(expired.status).toBe(401)
    expect(expired.json().error_codes).toEqual([700024])
    expect(sim().issuedTokens).toEqual([])
  })
})

describe('GitHub OIDC federation', () => {
  it('needs the request token', async () => {
    const answer = await call(sim(), 'GET', `${sim().oidc.requestUrl}&audience=x`)
    expect(answer.status).toBe(401)
    expect(sim().requests[0].kind).toBe('oidc')
  })

  it('exchanges a GitHub OIDC token for an access token', async () => {
    const oidcToken = await getOidcToken()
    expect(sim().oidc.lastToken).toBe(oidcToken)
    const claims = JSON.parse(Buffer.from(oidcToken.split('.')[1], 'base64url').toString())
    expect(claims).toMatchObject({
      iss: sim().oidc.issuer,
      aud: OIDC_AUDIENCE,
      sub: OIDC_SUBJECT,
      repository: 'octo-org/octo-repo'
    })
    const answer = await tokenRequest({
      client_id: 'app-fed',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: oidcToken,
      scope: `${sim().url}/.default`
    })
    expect(answer.status).toBe(200)
    const session = await call(sim(), 'POST', SESSION, {
      headers: { Authorization: `Bearer ${answer.json().access_token}` }
    })
    expect(session.status).toBe(200)
  })

  it('answers AADSTS700213 for a subject without a federated record', async () => {
    sim().oidc.subject = 'repo:octo-org/octo-repo:environment:prod'
    try {
      const oidcToken = await getOidcToken()
      const answer = await tokenRequest({
        client_id: 'app-fed',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: oidcToken,
        scope: `${sim().url}/.default`
      })
      expect(answer.status).toBe(400)
      expect(answer.json().error_codes).toEqual([700213])
      expect(answer.json().error_description).toMatch(
        /^AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:octo-org\/octo-repo:environment:prod'/
      )
    } finally {
      sim().oidc.subject = OIDC_SUBJECT
    }
  })
})

describe('TLS handshakes', () => {
  it('records one per connection, with the server name the client sent, until reset', async () => {
    const agent = new Agent({ keepAlive: true })
    try {
      const headers = { Authorization: 'Bearer tok-123' }
      await call(sim(), 'GET', SESSION, { headers, agent })
      await call(sim(), 'GET', SESSION, { headers, agent })
      expect(sim().requests).toHaveLength(2)
      expect(sim().tlsHandshakes.map(h => h.servername)).toEqual([undefined])

      await call(sim(), 'GET', SESSION.replace('/api', `https://localhost:${sim().port}/api`), {
        headers
      })
      expect(sim().tlsHandshakes.map(h => h.servername)).toEqual([undefined, 'localhost'])
      expect(sim().tlsHandshakes[1].time).toBeGreaterThanOrEqual(sim().tlsHandshakes[0].time)

      sim().reset()
      expect(sim().tlsHandshakes).toEqual([])
    } finally {
      agent.destroy()
    }
  })
})

describe('faults and shutdown', () => {
  it('drops connections when scripted, and closes promptly with a hung request', async () => {
    const local = await startSimulator({ staticTokens: ['t'] })
    try {
      const echo = '/api/services/SimTestService/EchoService/Echo'
      const headers = { Authorization: 'Bearer t' }
      local.script('SimTestService/EchoService/Echo', [
        { status: 200, destroy: 'before-headers' },
        { status: 200, destroy: 'reset' },
        { status: 200, destroy: 'mid-body', body: { data: 'x'.repeat(1000) } },
        { status: 200, hang: true }
      ])
      await expect(call(local, 'POST', echo, { headers })).rejects.toThrow('socket hang up')
      await expect(call(local, 'POST', echo, { headers })).rejects.toThrow('read ECONNRESET')
      await expect(call(local, 'POST', echo, { headers })).rejects.toThrow('aborted')
      expect(local.requests.map(r => r.status)).toEqual([undefined, undefined, 200])
      const hung = call(local, 'POST', echo, { headers })
      hung.catch(() => undefined)
      while (local.requests.length < 4) await new Promise(resolve => setTimeout(resolve, 10))
      // A close that waited for the hung request would never end; the bound leaves a starved
      // machine plenty of room.
      const started = Date.now()
      await local.close()
      expect(Date.now() - started).toBeLessThan(10_000)
      await expect(hung).rejects.toThrow()
    } finally {
      await local.close()
    }
  })
})

describe('F&O services for the doctors', () => {
  const auth = { Authorization: 'Bearer tok-123' }
  const create = '/api/services/SimTestService/ContractService/CreateCustomer'

  it('lists ContractService and gives the contract of CreateCustomer as F&O does', async () => {
    const services = await call(sim(), 'GET', '/api/services/SimTestService', { headers: auth })
    expect(services.json().Services).toContainEqual({ Name: 'ContractService' })
    const operations = await call(sim(), 'GET', '/api/services/SimTestService/ContractService', {
      headers: auth
    })
    expect(operations.json()).toEqual({ Operations: [{ Name: 'CreateCustomer' }] })
    const contract = await call(sim(), 'GET', create, { headers: auth })
    expect(contract.json()).toEqual({
      Parameters: [
        { Name: '_contract', Type: 'Dynamics.AX.Application.SimCustomerContract' },
        { Name: '_dryRun', Type: 'Boolean' }
      ],
      Return: { Name: 'return', Type: 'Dynamics.AX.Application.SimCustomerCreated' }
    })
  })

  it('runs CreateCustomer with _contract, and fails in X++ when it is missing', async () => {
    const json = { ...auth, 'Content-Type': 'application/json' }
    const created = await call(sim(), 'POST', create, {
      headers: json,
      body: JSON.stringify({ _contract: { CustomerAccount: 'US-042' } })
    })
    expect(created.json()).toEqual({ $id: '1', CustomerAccount: 'US-042', Created: true })
    const misnamed = await call(sim(), 'POST', create, {
      headers: json,
      body: JSON.stringify({ contract: { CustomerAccount: 'US-042' } })
    })
    expect(misnamed.status).toBe(500)
    expect(misnamed.json()).toEqual({
      Message: `An exception occured when invoking the operation - ${NullReferenceMessage}`,
      ExceptionType: 'System.NullReferenceException',
      ActivityId: expect.stringMatching(/^[0-9a-f-]{36}$/)
    })
  })

  it.each(['resource', 'user'] as const)(
    'answers the 429s of %s-based service protection with its message',
    async kind => {
      sim().throttle({ rate: 1, burst: 1, kind })
      try {
        const statuses = []
        for (let i = 0; i < 2; i++)
          statuses.push(await call(sim(), 'POST', SESSION, { headers: auth }))
        expect(statuses.map(answer => answer.status)).toEqual([200, 429])
        expect(statuses[1]?.json()).toEqual({ Message: ThrottleMessages[kind] })
      } finally {
        sim().throttle(undefined)
      }
    }
  )
})

describe('throttling mode', () => {
  it('admits a burst, answers the rest 429 with Retry-After, and refills at the rate', async () => {
    const headers = { Authorization: 'Bearer tok-123' }
    sim().throttle({ rate: 2, burst: 3 })
    try {
      const first = []
      for (let i = 0; i < 5; i++) first.push(await call(sim(), 'POST', SESSION, { headers }))
      expect(first.map(answer => answer.status)).toEqual([200, 200, 200, 429, 429])
      expect(first[3]?.headers['retry-after']).toBe('1')
      expect(first[3]?.json()).toEqual({
        Message: 'Too many requests. Retry after the time the Retry-After header gives.'
      })
      // Token requests are never throttled.
      expect(
        (
          await tokenRequest({
            client_id: 'app-1',
            client_secret: 's3cr3t-value',
            scope: `${sim().url}/.default`
          })
        ).status
      ).toBe(200)
      await new Promise(resolve => setTimeout(resolve, 1100))
      const later = await call(sim(), 'POST', SESSION, { headers })
      expect(later.status).toBe(200)
      expect(
        sim()
          .requests.filter(r => r.kind === 'service')
          .map(r => r.throttled ?? false)
      ).toEqual([false, false, false, true, true, false])
    } finally {
      sim().throttle(undefined)
    }
  })

  it('leaves scripted answers to admitted requests, and is off again after reset', async () => {
    const headers = { Authorization: 'Bearer tok-123' }
    sim().throttle({ rate: 1 })
    sim().script('UserSessionService/AifUserSessionService/GetUserSessionInfo', [
      { status: 418 },
      { status: 418 }
    ])
    expect((await call(sim(), 'POST', SESSION, { headers })).status).toBe(418)
    expect((await call(sim(), 'POST', SESSION, { headers })).status).toBe(429)
    sim().throttle(undefined)
    expect((await call(sim(), 'POST', SESSION, { headers })).status).toBe(418)
    sim().throttle({ rate: 1 })
    sim().reset()
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await call(sim(), 'POST', SESSION, { headers })).status)
    expect(statuses).toEqual([200, 200, 200])
  })
})
