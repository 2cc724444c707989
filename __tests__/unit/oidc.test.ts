import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { jsonHeaders, startFaultServer, type FaultServer } from '../../__fixtures__/fault-server.js'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { createMsalNetworkClient } = await import('../../src/sign-in/msal-network.js')
const { gitHubIdToken, subjectOf } = await import('../../src/sign-in/oidc.js')
const { CallError } = await import('../../src/common/errors.js')

// The GitHub ID token in process, over the action's own network client, against a real server
// on loopback standing in for ACTIONS_ID_TOKEN_REQUEST_URL.

let server: FaultServer
const requestToken = 'job-request-token-0123456789'
let authorizations: (string | undefined)[] = []
let audiences: (string | null)[] = []

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  jest.resetAllMocks()
  server.reset()
  authorizations = []
  audiences = []
})

/** Answers the ID-token request with `status` and `body`, noting what it was asked. */
function answer(status: number, body: string): void {
  server.handle((req, res) => {
    authorizations.push(req.headers.authorization)
    audiences.push(new URL(req.url ?? '', server.url).searchParams.get('audience'))
    res.writeHead(status, jsonHeaders(body))
    res.end(body)
  })
}

async function idToken(env: Record<string, string | undefined>): Promise<string> {
  const network = createMsalNetworkClient(
    {
      timeoutMs: 5_000,
      retryTimeoutMs: 0,
      now: () => 0,
      sleep: async () => undefined,
      info: () => undefined
    },
    'https://login.example'
  )
  try {
    return await gitHubIdToken('api://AzureADTokenExchange', network, env)
  } finally {
    network.close()
  }
}
const env = (): Record<string, string> => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/_apis/idtoken?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
})
const jwt = (payload: object): string =>
  ['{"alg":"RS256"}', JSON.stringify(payload), 'signature']
    .map(part => Buffer.from(part).toString('base64url'))
    .join('.')

describe('gitHubIdToken', () => {
  it('asks for the audience with the job’s request token, and masks both tokens', async () => {
    const token = jwt({ sub: 'repo:o/r:ref:refs/heads/main' })
    answer(200, JSON.stringify({ value: token }))

    await expect(idToken(env())).resolves.toBe(token)
    expect(authorizations).toEqual([`Bearer ${requestToken}`])
    expect(audiences).toEqual(['api://AzureADTokenExchange'])
    expect(core.setSecret.mock.calls.map(([value]) => value)).toEqual([requestToken, token])
  })

  it.each([
    ['ACTIONS_ID_TOKEN_REQUEST_URL', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://gh.test/t' }]
  ])('without %s: says so and what the job needs, before any request', async (name, partial) => {
    const asked = idToken(partial)

    await expect(asked).rejects.toThrow(CallError)
    await expect(asked).rejects.toThrow(
      `GitHub OIDC: ${name} is not set; add 'permissions: id-token: write' to the job`
    )
    expect(server.requests).toEqual([])
  })

  it('a refusal: names the request (no query), the status and GitHub’s message', async () => {
    answer(403, '{"message":"Resource not accessible by integration"}')

    await expect(idToken(env())).rejects.toThrow(
      `GET ${server.url}/_apis/idtoken failed: HTTP 403 — Resource not accessible by integration`
    )
  })

  it('a 200 without a token is a failure, not an empty assertion', async () => {
    answer(200, '{"count":0}')

    await expect(idToken(env())).rejects.toThrow(
      `GET ${server.url}/_apis/idtoken failed: HTTP 200 without an ID token`
    )
  })
})

describe('subjectOf', () => {
  it('reads the sub claim, unverified', () => {
    expect(subjectOf(jwt({ sub: 'repo:o/r:environment:prod' }))).toBe('repo:o/r:environment:prod')
  })

  it.each([
    ['no sub', jwt({ iss: 'x' })],
    ['a sub that is not text', jwt({ sub: 42 })],
    ['not a JWT', 'not-a-jwt'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c']
  ])('is undefined for %s', (_what, token) => {
    expect(subjectOf(token)).toBeUndefined()
  })
})
