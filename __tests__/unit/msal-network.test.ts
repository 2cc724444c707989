import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  closedPort,
  jsonHeaders,
  startFaultServer,
  type FaultServer
} from '../../__fixtures__/fault-server.js'
import * as core from '../../__fixtures__/core.js'
import type { TokenRequestPolicy } from '../../src/sign-in/msal-network.js'

jest.unstable_mockModule('@actions/core', () => core)
const { createMsalNetworkClient } = await import('../../src/sign-in/msal-network.js')

// MSAL's network module in process against a real server on loopback: retries within the
// budget, the 1 MiB cap, and the one line it keeps for the error the user reads.
// (Which origins it sends to: msal-network-origin.test.ts.)

let server: FaultServer
let clock = 0
const waits: number[] = []
const lines: string[] = []
const policy = (fields: Partial<TokenRequestPolicy> = {}): TokenRequestPolicy => ({
  timeoutMs: 5_000,
  retryTimeoutMs: 60_000,
  now: () => clock,
  sleep: async ms => {
    waits.push(ms)
    clock += ms
  },
  info: line => lines.push(line),
  ...fields
})

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  jest.resetAllMocks()
  server.reset()
  clock = 0
  waits.length = 0
  lines.length = 0
})

const tokenUrl = (): string => `${server.url}/tenant/oauth2/v2.0/token`

/** Answers with each of `answers` in turn, the last one for every request after. */
function answers(
  ...list: { status: number; body: string; headers?: Record<string, string> }[]
): void {
  let next = 0
  server.handle((_req, res) => {
    const answer = list[Math.min(next++, list.length - 1)]!
    res.writeHead(answer.status, { ...jsonHeaders(answer.body), ...answer.headers })
    res.end(answer.body)
  })
}

async function post(
  network = createMsalNetworkClient(policy(), server.url),
  body = 'grant_type=client_credentials'
) {
  try {
    return await network.sendPostRequestAsync<{ access_token?: string }>(tokenUrl(), { body })
  } finally {
    network.close()
  }
}

describe('a token request', () => {
  it('posts the form and returns the parsed answer with its status and headers', async () => {
    let seen: { type?: string; body: string } = { body: '' }
    server.handle(async (req, res) => {
      const parts: Buffer[] = []
      for await (const part of req) parts.push(part as Buffer)
      seen = { type: req.headers['content-type'], body: Buffer.concat(parts).toString() }
      res.writeHead(200, { ...jsonHeaders('{"access_token":"t"}'), 'X-Request': 'r1' })
      res.end('{"access_token":"t"}')
    })
    const response = await post(undefined, 'grant_type=client_credentials&scope=s')

    expect(response.status).toBe(200)
    expect(response.body).toEqual({ access_token: 't' })
    expect(response.headers['x-request']).toBe('r1')
    expect(seen).toEqual({
      type: 'application/x-www-form-urlencoded;charset=utf-8',
      body: 'grant_type=client_credentials&scope=s'
    })
  })

  it('masks the signed client assertion before it leaves, and scrubs an echo of it', async () => {
    const assertion = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl'
    answers({ status: 400, body: `not json: you sent ${assertion}` })
    const network = createMsalNetworkClient(policy(), server.url)

    await expect(post(network, `client_assertion=${assertion}`)).rejects.toThrow(
      'with a body that is not JSON'
    )
    expect(core.setSecret).toHaveBeenCalledWith(assertion)
    expect(network.lastFailure).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/tenant\/oauth2\/v2\.0\/token failed: HTTP 400 with a body that is not JSON/
    )
    expect(network.lastFailure).not.toContain(assertion)
  })
})

describe('429 and 5xx', () => {
  it('waits as Retry-After asks, says so, and retries', async () => {
    answers(
      { status: 429, body: '', headers: { 'Retry-After': '3' } },
      { status: 200, body: '{"access_token":"t"}' }
    )
    const response = await post()

    expect(response.body).toEqual({ access_token: 't' })
    expect(waits).toEqual([3000])
    expect(lines).toEqual([`POST ${tokenUrl()} → 429, waiting 3 s`])
    expect(server.requests).toHaveLength(2)
  })

  it('stops when the next wait would pass retry-timeout, and says the budget is spent', async () => {
    answers({ status: 429, body: '{"error":"throttled"}', headers: { 'Retry-After': '40' } })
    const network = createMsalNetworkClient(policy(), server.url)

    await expect(post(network)).rejects.toThrow(
      `POST ${tokenUrl()} failed: HTTP 429 Too Many Requests — retry-timeout exhausted`
    )
    // 40 s fits the 60 s budget once; the second 40 s would end past it.
    expect(waits).toEqual([40_000])
    expect(server.requests).toHaveLength(2)
  })

  it('retries a 5xx twice at most, then names the status and the server’s message', async () => {
    answers({ status: 500, body: '{"error":{"message":"the store is down"}}' })
    const network = createMsalNetworkClient(policy(), server.url)

    await expect(post(network)).rejects.toThrow(`POST ${tokenUrl()} failed: HTTP 500`)
    expect(server.requests).toHaveLength(3)
    expect(network.lastFailure).toBe(`POST ${tokenUrl()} failed: HTTP 500 — the store is down`)
  })
})

describe('a request that gets no usable answer', () => {
  it('a refused connection: names the request and the error code', async () => {
    const port = await closedPort()
    const network = createMsalNetworkClient(policy(), `http://127.0.0.1:${port}`)
    const url = `http://127.0.0.1:${port}/common/discovery/instance?x=secret-ish`

    await expect(network.sendGetRequestAsync(url)).rejects.toThrow('ECONNREFUSED')
    expect(network.lastFailure).toMatch(
      new RegExp(
        `^GET http://127\\.0\\.0\\.1:${port}/common/discovery/instance failed: connect ECONNREFUSED`
      )
    )
    network.close()
  })

  it('a body that stalls past timeout-sec: the timeout, in the request’s words', async () => {
    server.handle((_req, res) => {
      // Half a body, then nothing: the connection stays open until the server closes.
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"access_')
    })
    const network = createMsalNetworkClient(policy({ timeoutMs: 200 }), server.url)

    await expect(post(network)).rejects.toThrow('no response within 0.2 s (timeout-sec)')
    expect(network.lastFailure).toBe(
      `POST ${tokenUrl()} failed: no response within 0.2 s (timeout-sec)`
    )
  })

  it('an answer past 1 MiB: refused, not read to its end', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(Buffer.alloc(1024 * 1024 + 1, 32))
    })
    const network = createMsalNetworkClient(policy(), server.url)

    await expect(post(network)).rejects.toThrow(
      'the response body is larger than 1 MiB (the limit for sign-in answers)'
    )
  })
})

describe('trusting another origin', () => {
  it('sends to that origin only, with the same limits', async () => {
    const other = await startFaultServer()
    try {
      const network = createMsalNetworkClient(policy(), 'https://login.example')
      const github = network.trusting(other.url)
      const response = await github.sendGetRequestAsync<object>(`${other.url}/token?audience=a`)

      expect(response.body).toEqual({})
      expect(other.requests.map(r => r.path)).toEqual(['/token'])
      await expect(github.sendGetRequestAsync(`${server.url}/token`)).rejects.toThrow(
        /^refused to send GET to http:\/\/127\.0\.0\.1:\d+: only 'authority-host' https:\/\/login\.example is trusted/
      )
      network.close()
    } finally {
      await other.close()
    }
  })
})
