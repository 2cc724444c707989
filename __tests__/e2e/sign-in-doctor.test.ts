import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'node:https'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import {
  clientSecretInputs,
  runAgainst,
  serviceRequests,
  useSimulator
} from '../../__fixtures__/simulator.js'
import { startSimulator, type Simulator } from '../../sim/index.mjs'

// F&O refuses the call (401/403): the error says what is wrong with the token, read from its
// claims, for a token the action got and for a given one.

const registered = { clientId: 'doctor-registered-app', clientSecret: 'doctor-secret~1.A_x' }
const unregistered = { clientId: 'doctor-unknown-app', clientSecret: 'doctor-secret~2.B_y' }
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const Registration = 'in F&O under System administration › Setup › Microsoft Entra applications'

const sim = useSimulator({
  clients: [registered, unregistered],
  registeredApps: [registered.clientId]
})

function call(inputs: Record<string, string>): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, payload: '{}', url: sim().url, ...inputs }
  })
}

/** The message of a refused call: one error, status 401 (or 403), one service request. */
function expectRefused(result: ActionRun, status = 401): string {
  const statusText = status === 401 ? 'Unauthorized' : 'Forbidden'
  const error = expectFailure(
    result,
    new RegExp(
      `^POST ${escape(sim().url)}/api/services/${sessionInfo} failed: HTTP ${status} ${statusText} — `
    )
  )
  expectOutputs(result, { status: String(status), attempts: '1' })
  expect(serviceRequests(sim())).toHaveLength(1)
  return error
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** An access token from the simulator's Entra ID for `scope`, as `az account get-access-token` gets one. */
function tokenFor(scope: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: registered.clientId,
    client_secret: registered.clientSecret,
    scope
  }).toString()
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim().url}/${sim().tenant}/oauth2/v2.0/token`,
      {
        method: 'POST',
        ca: sim().caPem,
        agent: false,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
      },
      res => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
        res.on('error', reject)
        res.on('end', () => resolve((JSON.parse(text) as { access_token: string }).access_token))
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('a token for another audience', () => {
  it('names a trailing slash, showing both', async () => {
    const token = await tokenFor(`${sim().url}//.default`)
    const result = await call({ token })

    const error = expectRefused(result)
    expect(error).toMatch(
      new RegExp(
        `— the token is wrong: it is for '${escape(sim().url)}/', but 'url' is '${escape(sim().url)}': ` +
          `the trailing slash makes it another audience — get the token for '${escape(sim().url)}' \\(scope ${escape(sim().url)}/\\.default\\)$`
      )
    )
    expect(serviceRequests(sim())[0].headers['authorization']).toBe(`Bearer ${token}`)
  })

  it('names another host', async () => {
    const token = sim().issueToken({
      clientId: registered.clientId,
      audience: 'https://fabrikam.operations.dynamics.com'
    })
    const result = await call({ token: `Bearer ${token}` })

    expect(expectRefused(result)).toMatch(
      new RegExp(
        `— the token is wrong: it is for 'https://fabrikam\\.operations\\.dynamics\\.com', but 'url' is '${escape(sim().url)}': another host — `
      )
    )
  })
})

describe('a token of another tenant', () => {
  const otherTenant = '99999999-8888-7777-6666-555555555555'
  let other: Simulator

  beforeAll(async () => {
    other = await startSimulator({ tenant: otherTenant, clients: [registered] })
  })
  afterAll(async () => {
    await other?.close()
  })

  it("names the token's tenant and the one F&O's answer names", async () => {
    const result = await call({
      ...clientSecretInputs(other, registered),
      url: sim().url
    })

    expect(other.tokenGrants.map(grant => grant.audience)).toEqual([sim().url])
    expect(expectRefused(result)).toMatch(
      new RegExp(
        `— the token is wrong: it is from tenant ${otherTenant} \\('tenant'\\), but F&O's answer names tenant ${sim().tenant} — sign in to the environment's tenant$`
      )
    )
    expectNoSecretLeaks(result, other.issuedTokens)
  })
})

describe('an expired token', () => {
  it('says when it expired', async () => {
    const expiredAt = Date.now() - 3_600_000
    const token = sim().issueToken({
      clientId: registered.clientId,
      issuedAt: expiredAt - 3_600_000,
      expiresAt: expiredAt
    })
    const result = await call({ token })

    const at = new Date(Math.floor(expiredAt / 1000) * 1000).toISOString().replace('.000Z', 'Z')
    expect(expectRefused(result)).toMatch(
      new RegExp(
        `— the token is wrong: it expired at ${escape(at)}, 6[01] minutes before this call — get a new one`
      )
    )
  })
})

describe('an app F&O does not know', () => {
  it('says the token is right and to register the app, by its id', async () => {
    const result = await call(clientSecretInputs(sim(), unregistered))

    const [grant] = sim().tokenGrants
    expect(grant).toMatchObject({ clientId: unregistered.clientId, audience: sim().url })
    expect(expectRefused(result)).toMatch(
      new RegExp(
        `— the token looks right \\(for '${escape(sim().url)}', tenant ${sim().tenant}, valid until [0-9T:-]+Z\\), ` +
          `so the likely cause is the app's registration in F&O: register application '${unregistered.clientId}' ${Registration} ` +
          'and map it to a user who may run this service$'
      )
    )
  })

  it('calls the service once the app is registered', async () => {
    const result = await call(clientSecretInputs(sim(), registered))

    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs['response'])).toMatchObject({
      UserId: registered.clientId
    })
  })

  it('on 403, says F&O refused the app’s user this service', async () => {
    sim().script(sessionInfo, {
      status: 403,
      body: { Message: "The user may not run 'GetUserSessionInfo'." }
    })
    const result = await call(clientSecretInputs(sim(), registered))

    expect(expectRefused(result, 403)).toMatch(
      new RegExp(
        `— The user may not run 'GetUserSessionInfo'\\. — the token looks right \\(.*\\), so F&O refused its user this service: ` +
          `register application '${registered.clientId}' ${Registration}`
      )
    )
  })
})
