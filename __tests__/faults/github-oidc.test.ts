import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { runnerLines, type ActionRun, type RunOptions } from '../../scripts/action-runner.mjs'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { runAgainst, useSimulator, federatedSignIn } from '../../__fixtures__/simulator.js'

// The GitHub OIDC ID-token request carries the job's request token: it goes to
// ACTIONS_ID_TOKEN_REQUEST_URL only (no redirect), keeps timeout-sec and the 1 MiB cap, and an
// echo of the request token is scrubbed. runAgainst checks every run for a leak of it.

const federatedAppId = 'fault-oidc-app'
const subject = 'repo:octo-org/octo-repo:ref:refs/heads/main'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const oidcUrl = 'https://127\\.0\\.0\\.1:\\d+/_github/oidc/token'
const signInFailed =
  '^Token request to https://127\\.0\\.0\\.1:\\d+/11111111-2222-3333-4444-555555555555 failed: '
// auth is auto and only tenant and client-id are given: the error says why OIDC was used.
const oidcChosen =
  " \\(No client-secret, client-certificate or token was given, so GitHub OIDC was used: if you meant one of them, check the secret's name and that this workflow may read it, or set 'auth'\\.\\)"

const sim = useSimulator({
  ...federatedSignIn(federatedAppId, subject)
})
let ca: TestCa
let elsewhere: FaultServer
let bothCas: string

beforeAll(async () => {
  ca = await createTestCa()
  elsewhere = await ca.issue([{ ip: '127.0.0.1' }]).then(startFaultServer)
  // Trusts the simulator and the other server alike, so only the action's rule can stop a redirect.
  bothCas = path.join(os.tmpdir(), `d365fo-oidc-cas-${process.pid}.pem`)
  await writeFile(bothCas, `${sim().caPem}\n${await readFile(ca.caFile, 'utf8')}`)
})
afterAll(async () => {
  await elsewhere.close()
  await ca.close()
  await rm(bothCas, { force: true })
})

function signIn(
  inputs: Record<string, string> = {},
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), {
    killAfterMs: 20_000,
    ...options,
    inputs: {
      'service-name': sessionInfo,
      payload: '{}',
      tenant: sim().tenant,
      url: sim().url,
      'authority-host': sim().authorityHost,
      'client-id': federatedAppId,
      ...inputs
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim().oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim().oidc.requestToken,
      ...options.env
    }
  })
}

const oidcRequests = (): unknown[] => sim().requests.filter(r => r.kind === 'oidc')

describe('the GitHub ID-token request', () => {
  it('signs in and calls F&O (control: the request below is the one that works)', async () => {
    const result = await signIn()

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(oidcRequests()).toHaveLength(1)
  })

  it('gives up after timeout-sec when the OIDC service never answers', async () => {
    sim().script('oidc', { hang: true })
    const result = await signIn({ 'timeout-sec': '1' })

    expectFailure(
      result,
      new RegExp(
        `${signInFailed}GET ${oidcUrl} failed: no response within 1 s \\(timeout-sec\\)${oidcChosen}$`
      )
    )
    expectOutputs(result, { status: '', attempts: '0' })
    expect(oidcRequests()).toHaveLength(1)
    expect(sim().requests.filter(r => r.kind === 'token')).toEqual([])
  })

  it('reads at most 1 MiB of its answer', async () => {
    sim().script('oidc', { body: { value: 'x'.repeat(2 * 1024 * 1024) } })
    const result = await signIn()

    expectFailure(
      result,
      new RegExp(
        `${signInFailed}GET ${oidcUrl} failed: the response body is larger than 1 MiB \\(the limit for sign-in answers\\)${oidcChosen}$`
      )
    )
    expect(sim().requests.filter(r => r.kind === 'token')).toEqual([])
  })

  it('follows no redirect: the request token reaches no other server', async () => {
    sim().script('oidc', { status: 302, headers: { Location: `${elsewhere.url}/steal` } })
    const result = await signIn({}, { env: { NODE_EXTRA_CA_CERTS: bothCas } })

    expectFailure(result, new RegExp(`${signInFailed}GET ${oidcUrl} failed: HTTP 302`))
    expect(elsewhere.requests).toEqual([])
    expect(oidcRequests()).toHaveLength(1)
  })

  it('scrubs the request token when the OIDC service echoes it', async () => {
    sim().script('oidc', {
      status: 401,
      body: { message: `Bearer ${sim().oidc.requestToken} is not valid for this run` }
    })
    const result = await signIn()

    const error = expectFailure(
      result,
      new RegExp(
        `${signInFailed}GET ${oidcUrl} failed: HTTP 401 — Bearer \\*\\*\\* is not valid for this run${oidcChosen}$`
      )
    )
    expect(error).not.toContain(sim().oidc.requestToken)
    expect(runnerLines(result.stdout)).toContain(`::add-mask::${sim().oidc.requestToken}`)
  })
})
