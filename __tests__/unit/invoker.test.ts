import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { TimeoutError, type HttpRequest, type HttpResponse } from '../../src/transport/http.js'
import { invoke, type CallPolicy, type InvokerDeps } from '../../src/call/invoker.js'
import type { RetryOn } from '../../src/transport/retry-classes.js'

const Url = 'https://h/api/services/G/S/O'
const Post: HttpRequest = {
  method: 'POST',
  url: Url,
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
  body: Buffer.from('{}')
}
const Get: HttpRequest = { method: 'GET', url: 'https://h/api/services/G', headers: {} }

/** Only 429 retried, within `retryTimeoutMs`, unless `retryOn` says more. */
function policy(retryTimeoutMs: number, retryOn: Partial<RetryOn> = {}): CallPolicy {
  return { retryTimeoutMs, retryOn: { unavailable: false, network: false, ...retryOn } }
}

/** One scripted answer: a response, or an error the transport throws. */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | { error: Error }

function transportError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * Fakes for the invoker: the transport plays `answers` in order and takes `latencyMs` of fake
 * time per request; sleep only advances the fake clock and records the wait.
 */
function fakeDeps(answers: Answer[], options: { latencyMs?: number; random?: number } = {}) {
  let clock = 1_750_000_000_000
  const sent: HttpRequest[] = []
  const sleeps: number[] = []
  const lines: string[] = []
  let receiveError: Error | undefined
  const deps: InvokerDeps = {
    transport: {
      async send(request) {
        sent.push(request)
        clock += options.latencyMs ?? 0
        const answer = answers.shift()
        if (!answer) throw new Error('test scripted no more answers')
        if ('error' in answer) throw answer.error
        const response: HttpResponse = {
          status: answer.status,
          headers: answer.headers ?? {},
          body: Readable.from(answer.body === undefined ? [] : [Buffer.from(answer.body)])
        }
        return response
      }
    },
    now: () => clock,
    random: () => options.random ?? 0,
    async sleep(ms) {
      sleeps.push(ms)
      clock += ms
    },
    async receive(response) {
      if (receiveError) throw receiveError
      const chunks: Buffer[] = []
      for await (const chunk of response.body) chunks.push(chunk as Buffer)
      const head = Buffer.concat(chunks)
      return { bytes: head.length, head, file: '/fake' }
    },
    info: line => lines.push(line)
  }
  return {
    deps,
    sent,
    sleeps,
    lines,
    failReceive(error: Error) {
      receiveError = error
    }
  }
}

describe('invoke', () => {
  it('returns the first answer when it succeeds', async () => {
    const fake = fakeDeps([
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }
    ])
    const result = await invoke(Post, policy(0), fake.deps)
    expect(result).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { bytes: 11, head: Buffer.from('{"ok":true}'), file: '/fake' },
      attempts: 1,
      waitedMs: 0,
      elapsedMs: 0,
      failure: undefined,
      throttling: { answers: 0, waitedMs: 0, longestRetryAfterMs: undefined, kinds: [] }
    })
    expect(fake.sent).toEqual([Post])
    expect(fake.sleeps).toEqual([])
    expect(fake.lines).toEqual([`POST ${Url} → 200 (attempt 1)`])
  })

  it('waits out two 429s as Retry-After asks, then returns the 200', async () => {
    const fake = fakeDeps(
      [
        { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' },
        { status: 429, headers: { 'retry-after': '1' } },
        { status: 200, body: '{"ok":true}' }
      ],
      { latencyMs: 1_000 }
    )
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(fake.sleeps).toEqual([1_000, 1_000])
    expect(result).toMatchObject({
      status: 200,
      attempts: 3,
      waitedMs: 2_000,
      elapsedMs: 5_000,
      failure: undefined
    })
    expect(result.body?.head.toString()).toBe('{"ok":true}')
    expect(result.throttling).toEqual({
      answers: 2,
      waitedMs: 2_000,
      longestRetryAfterMs: 1_000,
      kinds: []
    })
    expect(fake.sent).toHaveLength(3)
    expect(fake.lines).toEqual([
      `POST ${Url} → 429, waiting 1 s (attempt 2, 58 s left)`,
      `POST ${Url} → 429, waiting 1 s (attempt 3, 56 s left)`,
      `POST ${Url} → 200 (attempt 3)`
    ])
  })

  it('says there is no limit when retry-timeout is 0, and backs off 1 s without Retry-After', async () => {
    const fake = fakeDeps([{ status: 429 }, { status: 204 }])
    const result = await invoke(Get, policy(0), fake.deps)
    expect(fake.sleeps).toEqual([1000])
    expect(fake.lines[0]).toBe(
      'GET https://h/api/services/G → 429, waiting 1 s (attempt 2, no retry-timeout)'
    )
    expect(result).toMatchObject({ status: 204, attempts: 2, waitedMs: 1000, failure: undefined })
  })

  it('gives up without sleeping when the next wait would pass retry-timeout', async () => {
    const fake = fakeDeps([
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 429, headers: { 'retry-after': '3' }, body: '{"Message":"throttled"}' }
    ])
    const result = await invoke(Post, policy(5_000), fake.deps)
    expect(fake.sleeps).toEqual([3_000])
    expect(result.status).toBe(429)
    expect(result.attempts).toBe(2)
    expect(result.waitedMs).toBe(3_000)
    expect(result.body?.head.toString()).toBe('{"Message":"throttled"}')
    expect(result.failure).toMatchObject({ kind: 'throttled', status: 429 })
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 429 Too Many Requests — Retry-After asks for 3 s but retry-timeout leaves 2 s (2 attempts)`
    )
    expect(fake.lines).toEqual([
      `POST ${Url} → 429, waiting 3 s (attempt 2, 2 s left)`,
      `POST ${Url} → 429, giving up (attempt 2)`
    ])
  })

  it("reads which protection each 429's message names, the waited-out one's and the last one's", async () => {
    const fake = fakeDeps([
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: '{"Message":"The request was throttled due to high resource utilization."}'
      },
      {
        status: 429,
        headers: { 'retry-after': '30' },
        body: '{"Message":"Number of concurrent requests exceeded the limit of 52."}'
      }
    ])
    const result = await invoke(Post, policy(5_000), fake.deps)
    expect(result.failure?.kind).toBe('throttled')
    expect(result.throttling).toMatchObject({
      answers: 2,
      waitedMs: 1_000,
      longestRetryAfterMs: 30_000
    })
    expect([...(result.throttling?.kinds ?? [])].sort()).toEqual(['resource', 'user'])
  })

  it('backs off without a readable Retry-After (1 s, then up to 2 s, 4 s …) within retry-timeout', async () => {
    const soon = { status: 429, headers: { 'retry-after': 'soon' } }
    const fake = fakeDeps([soon, soon, soon, soon, soon], { latencyMs: 250, random: 0.99 })
    const result = await invoke(Post, policy(5_000), fake.deps)
    // Full jitter at its top: 1 s, 1.99 s; the third (up to 4 s) no longer fits what is left.
    expect(fake.sleeps).toEqual([1000, 1990])
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 429 Too Many Requests — no readable Retry-After, so the next back-off wait would be 4 s, but retry-timeout leaves 1.2 s (3 attempts)`
    )
  })

  it('a 429 without Retry-After that clears is waited out after the first back-off, 1 s', async () => {
    const fake = fakeDeps([{ status: 429 }, { status: 200, body: '{}' }])
    const result = await invoke(Post, policy(5_000), fake.deps)
    expect(fake.sleeps).toEqual([1000])
    expect(result.status).toBe(200)
    expect(result.attempts).toBe(2)
  })

  it('gives up on the first 429 when its wait alone passes retry-timeout', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '3600' } }])
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(fake.sleeps).toEqual([])
    expect(result).toMatchObject({ status: 429, attempts: 1, waitedMs: 0 })
    expect(result.failure?.message).toContain('429')
    expect(result.failure?.message).toContain('retry-timeout')
  })

  it('waits at least 1 s for Retry-After 0, however often it comes', async () => {
    const fake = fakeDeps([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } },
      { status: 200, body: '{}' }
    ])
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(fake.sleeps).toEqual([1_000, 1_000])
    expect(result).toMatchObject({ status: 200, attempts: 3, waitedMs: 2_000 })
    expect(fake.lines.slice(0, 2)).toEqual([
      `POST ${Url} → 429, waiting 1 s (attempt 2, 59 s left)`,
      `POST ${Url} → 429, waiting 1 s (attempt 3, 58 s left)`
    ])
  })

  it('with no retry-timeout, waits 5 minutes for a day-long Retry-After and says so', async () => {
    const fake = fakeDeps([
      { status: 429, headers: { 'retry-after': '86400' } },
      { status: 429, headers: { 'retry-after': '9'.repeat(400) } },
      { status: 200, body: '{}' }
    ])
    const result = await invoke(Post, policy(0), fake.deps)
    expect(fake.sleeps).toEqual([300_000, 300_000])
    expect(result).toMatchObject({ status: 200, attempts: 3, waitedMs: 600_000 })
    expect(fake.lines.slice(0, 2)).toEqual([
      `POST ${Url} → 429, waiting 300 s (attempt 2, no retry-timeout; Retry-After asks for 86400 s: each wait is capped at 300 s when retry-timeout is 00:00:00)`,
      `POST ${Url} → 429, waiting 300 s (attempt 3, no retry-timeout; Retry-After asks for at least 999999999 s: each wait is capped at 300 s when retry-timeout is 00:00:00)`
    ])
  })

  it('gives up at once on a Retry-After beyond any timer when retry-timeout is set', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '9'.repeat(400) } }])
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(fake.sleeps).toEqual([])
    expect(result).toMatchObject({ status: 429, attempts: 1, waitedMs: 0 })
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 429 Too Many Requests — Retry-After asks for at least 999999999 s but retry-timeout leaves 60 s (1 attempt)`
    )
  })

  it('reports a transport error with its code and no status', async () => {
    const fake = fakeDeps([{ error: transportError('socket hang up', 'ECONNRESET') }])
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(result).toMatchObject({
      status: undefined,
      headers: {},
      body: undefined,
      attempts: 1,
      failure: {
        kind: 'transport',
        message:
          `POST ${Url} failed: ECONNRESET: socket hang up — the request may have reached the server, ` +
          'so it was not sent again (retry-on: network re-sends it when the operation is safe to repeat)'
      }
    })
    expect(fake.lines).toEqual([`POST ${Url} → no response (attempt 1)`])
  })

  it('does not repeat the code when the error message already names it', async () => {
    const fake = fakeDeps([
      { error: transportError('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED') }
    ])
    const result = await invoke(Get, policy(0), fake.deps)
    expect(result.failure?.message).toBe(
      'GET https://h/api/services/G failed: connect ECONNREFUSED 127.0.0.1:443'
    )
  })

  it('never retries a POST after a transport error unless retry-on lists network', async () => {
    const fake = fakeDeps([
      { error: transportError('socket hang up', 'ECONNRESET') },
      { status: 200, body: 'would be a second run' }
    ])
    const result = await invoke(Post, policy(0), fake.deps)
    expect(fake.sent).toHaveLength(1)
    expect(fake.sleeps).toEqual([])
    expect(result.attempts).toBe(1)
  })

  it('never retries a POST after a 500, and quotes the X++ message and exception type', async () => {
    const body = JSON.stringify({
      Message: 'An exception occured when invoking the operation - Customer 4711 does not exist.',
      ExceptionType: 'XppServicesException',
      ActivityId: '00000000-0000-0000-0000-000000000000'
    })
    const fake = fakeDeps([{ status: 500, body }, { status: 200 }])
    const result = await invoke(Post, policy(0), fake.deps)
    expect(fake.sent).toHaveLength(1)
    expect(fake.sleeps).toEqual([])
    expect(result.status).toBe(500)
    expect(result.attempts).toBe(1)
    expect(result.failure).toMatchObject({ kind: 'http', status: 500 })
    expect(result.failure?.withoutBody).toBe(`POST ${Url} failed: HTTP 500 Internal Server Error`)
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 500 Internal Server Error — Customer 4711 does not exist. ` +
        '(XppServicesException, ActivityId 00000000-0000-0000-0000-000000000000)'
    )
    expect(result.activityId).toBe('00000000-0000-0000-0000-000000000000')
    expect(result.body?.head.toString()).toBe(body)
  })

  it('hints at service-name on a 404', async () => {
    const fake = fakeDeps([{ status: 404, body: '' }])
    const result = await invoke(Get, policy(0), fake.deps)
    expect(result.status).toBe(404)
    expect(result.failure?.message).toMatch(
      /^GET https:\/\/h\/api\/services\/G failed: HTTP 404 Not Found — /
    )
    expect(result.failure?.message).toContain("check 'service-name'")
  })

  it.each([
    [401, 'Unauthorized'],
    [403, 'Forbidden']
  ])(
    'leaves explaining a %i to the sign-in doctor: status and F&O’s message only',
    async (status, text) => {
      const fake = fakeDeps([{ status, body: '{"Message":"Access denied."}' }])
      const result = await invoke(Post, policy(0), fake.deps)
      expect(result.failure?.message).toBe(
        `POST ${Url} failed: HTTP ${status} ${text} — Access denied.`
      )
    }
  )

  it('says the connection failed while reading the body', async () => {
    const fake = fakeDeps([{ status: 200, headers: { 'content-length': '100' }, body: '{"par' }])
    fake.failReceive(transportError('aborted', 'ECONNRESET'))
    const result = await invoke(Post, policy(0), fake.deps)
    expect(result).toMatchObject({
      status: 200,
      headers: { 'content-length': '100' },
      body: undefined,
      attempts: 1,
      failure: {
        kind: 'transport',
        status: 200,
        message: `POST ${Url} failed: ECONNRESET: aborted (while reading the body of HTTP 200)`
      }
    })
  })

  it('says how much of the body arrived before the connection failed', async () => {
    const fake = fakeDeps([{ status: 200, headers: { 'content-length': '100' }, body: '{"par' }])
    fake.failReceive(Object.assign(transportError('aborted', 'ECONNRESET'), { bytesReceived: 5 }))
    const result = await invoke(Post, policy(0), fake.deps)
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: ECONNRESET: aborted (while reading the body of HTTP 200, after 5 of 100 bytes)`
    )
  })

  it('counts wall time from the first request to the end of the body', async () => {
    const fake = fakeDeps(
      [
        { status: 429, headers: { 'retry-after': '2' } },
        { status: 200, body: 'x' }
      ],
      { latencyMs: 250 }
    )
    const result = await invoke(Get, policy(0), fake.deps)
    expect(result.elapsedMs).toBe(250 + 2_000 + 250)
    expect(result.waitedMs).toBe(2_000)
  })
})

describe('invoke with retry-on', () => {
  it('fails at the first 503 when retry-on does not list unavailable', async () => {
    const fake = fakeDeps([{ status: 503, body: '' }, { status: 200 }])
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(fake.sent).toHaveLength(1)
    expect(result).toMatchObject({ status: 503, attempts: 1, retryClass: 'unavailable' })
    expect(result.failure?.message).toBe(`POST ${Url} failed: HTTP 503 Service Unavailable`)
  })

  it('waits out three 503s with exponential back-off and full jitter, then returns the 200', async () => {
    const fake = fakeDeps(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: '{}' }],
      { random: 0.5 }
    )
    const result = await invoke(Post, policy(60_000, { unavailable: true }), fake.deps)
    // Retry n waits 1 s + random × (min(60 s, 2^(n-1) s) − 1 s).
    expect(fake.sleeps).toEqual([1_000, 1_500, 2_500])
    expect(result).toMatchObject({ status: 200, attempts: 4, waitedMs: 5_000, failure: undefined })
    expect(fake.lines).toEqual([
      `POST ${Url} → 503, waiting 1 s (attempt 2, 59 s left)`,
      `POST ${Url} → 503, waiting 2 s (attempt 3, 58 s left)`,
      `POST ${Url} → 503, waiting 3 s (attempt 4, 55 s left)`,
      `POST ${Url} → 200 (attempt 4)`
    ])
  })

  it.each([502, 504])('retries %i like 503 when retry-on lists unavailable', async status => {
    const fake = fakeDeps([{ status }, { status: 200 }])
    const result = await invoke(Get, policy(60_000, { unavailable: true }), fake.deps)
    expect(result).toMatchObject({ status: 200, attempts: 2 })
  })

  it('never retries a 500, even with unavailable listed', async () => {
    const fake = fakeDeps([{ status: 500 }, { status: 200 }])
    const result = await invoke(Post, policy(60_000, { unavailable: true }), fake.deps)
    expect(result).toMatchObject({ status: 500, attempts: 1 })
    expect(result.retryClass).toBeUndefined()
  })

  it('waits what Retry-After asks on a 503', async () => {
    const fake = fakeDeps([{ status: 503, headers: { 'retry-after': '7' } }, { status: 200 }])
    await invoke(Post, policy(60_000, { unavailable: true }), fake.deps)
    expect(fake.sleeps).toEqual([7_000])
  })

  it('gives up without sleeping when the next back-off wait would pass retry-timeout', async () => {
    const fake = fakeDeps(
      [
        { status: 503 },
        { status: 503, body: '{"Message":"The service is restarting."}' },
        { status: 200 }
      ],
      { random: 0.99, latencyMs: 500 }
    )
    const result = await invoke(Post, policy(2_500, { unavailable: true }), fake.deps)
    expect(fake.sleeps).toEqual([1_000])
    expect(result).toMatchObject({ status: 503, attempts: 2, retryClass: 'unavailable' })
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 503 Service Unavailable — The service is restarting. — ` +
        'the next back-off wait would be 2 s, but retry-timeout leaves 0.5 s (2 attempts)'
    )
  })

  it('with no retry-timeout keeps backing off, each wait at most 60 s', async () => {
    const answers: Answer[] = Array.from({ length: 12 }, () => ({ status: 502 }))
    const fake = fakeDeps([...answers, { status: 200 }], { random: 0.999999 })
    const result = await invoke(Get, policy(0, { unavailable: true }), fake.deps)
    expect(result.attempts).toBe(13)
    expect(Math.max(...fake.sleeps)).toBeLessThanOrEqual(60_000)
    expect(fake.sleeps.slice(-3)).toEqual([59_999, 59_999, 59_999])
    expect(fake.lines[0]).toBe(
      'GET https://h/api/services/G → 502, waiting 1 s (attempt 2, no retry-timeout)'
    )
  })

  it('retries a refused connection with network listed, saying nothing reached the server', async () => {
    const fake = fakeDeps([
      { error: transportError('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED') },
      { status: 200 }
    ])
    const result = await invoke(Post, policy(60_000, { network: true }), fake.deps)
    expect(result).toMatchObject({ status: 200, attempts: 2 })
    expect(fake.lines[0]).toBe(
      `POST ${Url} → no response (ECONNREFUSED), waiting 1 s (attempt 2, 59 s left)`
    )
  })

  it('re-sends a POST reset after sending only with network listed, and says it may have run', async () => {
    const reset = (): Answer => ({ error: transportError('socket hang up', 'ECONNRESET') })
    const without = fakeDeps([reset(), { status: 200 }])
    const refused = await invoke(Post, policy(60_000, { unavailable: true }), without.deps)
    expect(without.sent).toHaveLength(1)
    expect(refused.failure?.message).toContain(
      'the request may have reached the server, so it was not sent again'
    )

    const withNetwork = fakeDeps([reset(), { status: 200 }])
    const result = await invoke(Post, policy(60_000, { network: true }), withNetwork.deps)
    expect(withNetwork.sent).toHaveLength(2)
    expect(result).toMatchObject({ status: 200, attempts: 2, failure: undefined })
    expect(withNetwork.lines[0]).toBe(
      `POST ${Url} → no response (ECONNRESET); it may have reached the server, sent again as retry-on lists network, waiting 1 s (attempt 2, 59 s left)`
    )
  })

  it('says a POST that timed out may still be running, and does not send it again', async () => {
    const fake = fakeDeps([{ error: new TimeoutError(300_000) }, { status: 200 }])
    const result = await invoke(Post, policy(60_000), fake.deps)
    expect(fake.sent).toHaveLength(1)
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: no response within 300 s (timeout-sec) — the operation may still be running on the server, ` +
        'so it was not sent again (retry-on: network re-sends it when the operation is safe to repeat)'
    )
  })

  it('does not say a GET may still be running', async () => {
    const fake = fakeDeps([{ error: new TimeoutError(1_000) }])
    const result = await invoke(Get, policy(60_000), fake.deps)
    expect(result.failure?.message).toBe(
      'GET https://h/api/services/G failed: no response within 1 s (timeout-sec)'
    )
  })

  it('gives up on connection failures when the back-off passes retry-timeout, naming what may have run', async () => {
    const fake = fakeDeps(
      [
        { error: new TimeoutError(1_000) },
        { error: new TimeoutError(1_000) },
        { error: new TimeoutError(1_000) }
      ],
      { latencyMs: 1_000, random: 0.5 }
    )
    const result = await invoke(Post, policy(4_000, { network: true }), fake.deps)
    expect(fake.sleeps).toEqual([1_000])
    expect(result).toMatchObject({ status: undefined, attempts: 2, retryClass: 'network' })
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: no response within 1 s (timeout-sec) — the operation may still be running on the server — ` +
        'the next back-off wait would be 1.5 s, but retry-timeout leaves 1 s (2 attempts)'
    )
  })

  it('never retries an untrusted certificate, even with network listed', async () => {
    const fake = fakeDeps([
      {
        error: transportError(
          'unable to verify the first certificate',
          'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
        )
      },
      { status: 200 }
    ])
    const result = await invoke(Post, policy(60_000, { network: true }), fake.deps)
    expect(fake.sent).toHaveLength(1)
    expect(result.retryClass).toBeUndefined()
    expect(result.failure?.message).not.toContain('may have reached')
  })

  it('keeps every wait inside the poll deadline, and names poll-timeout when it is the nearer limit', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '5' } }])
    const deadline = { atMs: 1_750_000_003_000, input: 'poll-timeout' }
    const result = await invoke(Post, { ...policy(60_000), deadline }, fake.deps)
    expect(fake.sleeps).toEqual([])
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 429 Too Many Requests — Retry-After asks for 5 s but poll-timeout leaves 3 s (1 attempt)`
    )
  })
})

describe('invoke with a token source', () => {
  it('asks for the token before every attempt and sends the one it gets', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }])
    const tokens = ['first-token', 'renewed-token']
    const result = await invoke(Post, policy(60_000), {
      ...fake.deps,
      bearer: async () => tokens.shift() ?? 'none'
    })
    expect(result.status).toBe(200)
    expect(fake.sent.map(request => request.headers['Authorization'])).toEqual([
      'Bearer first-token',
      'Bearer renewed-token'
    ])
  })

  it('ends the call with the sign-in failure when a renewal fails, counting only sent requests', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }])
    let calls = 0
    const result = await invoke(Post, policy(60_000), {
      ...fake.deps,
      async bearer() {
        calls++
        if (calls > 1) throw new Error('Token request to https://login/t failed: AADSTS7000215')
        return 'first-token'
      }
    })
    expect(fake.sent).toHaveLength(1)
    expect(result).toMatchObject({
      status: undefined,
      attempts: 1,
      failure: {
        kind: 'sign-in',
        message: 'Token request to https://login/t failed: AADSTS7000215'
      }
    })
  })
})

describe('invoke with a shared pause (many calls in one step)', () => {
  it('waits for the pause before each attempt, telling the end of the retry budget from the second on', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }])
    const asked: (number | undefined)[] = []
    const start = fake.deps.now()
    const result = await invoke(Post, policy(60_000), {
      ...fake.deps,
      async pace(untilMs) {
        asked.push(untilMs)
        return { waitedMs: 300 }
      }
    })
    expect(result).toMatchObject({ status: 200, attempts: 2, waitedMs: 2_600 })
    // Before the first request the whole budget from now; the retry's counts from the first request.
    expect(asked).toEqual([start + 60_000, start + 60_000])
  })

  it('asks with no limit when retry-timeout is 00:00:00', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }])
    const asked: (number | undefined)[] = []
    await invoke(Post, policy(0), {
      ...fake.deps,
      async pace(untilMs) {
        asked.push(untilMs)
        return { waitedMs: 0 }
      }
    })
    expect(asked).toEqual([undefined, undefined])
  })

  it('gives up as throttled, without sending, when the pause lasts past the budget', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '1' } }])
    let paces = 0
    const result = await invoke(Post, policy(10_000), {
      ...fake.deps,
      async pace() {
        paces++
        return paces === 1
          ? { waitedMs: 0 }
          : {
              reason:
                "the step's calls are paused until 2025-06-15 15:07:10 UTC for a Retry-After of 31 s"
            }
      }
    })
    expect(fake.sent).toHaveLength(1)
    expect(result).toMatchObject({
      status: undefined,
      attempts: 1,
      retryClass: 'throttled',
      failure: {
        kind: 'throttled',
        message: `POST ${Url} failed: HTTP 429 Too Many Requests — the step's calls are paused until 2025-06-15 15:07:10 UTC for a Retry-After of 31 s, past what retry-timeout leaves (1 attempt)`
      }
    })
  })

  it('gives up before the first request, sending nothing, when the pause outlasts the whole budget', async () => {
    const fake = fakeDeps([{ status: 200 }])
    const asked: (number | undefined)[] = []
    const result = await invoke(Post, policy(10_000), {
      ...fake.deps,
      async pace(untilMs) {
        asked.push(untilMs)
        return {
          reason:
            "the step's calls are paused until 2025-06-15 16:07:10 UTC for a Retry-After of 3600 s"
        }
      }
    })
    expect(fake.sent).toHaveLength(0)
    expect(asked).toEqual([fake.deps.now() + 10_000])
    expect(result).toMatchObject({
      attempts: 0,
      retryClass: 'throttled',
      failure: {
        kind: 'throttled',
        message: `POST ${Url} failed: HTTP 429 Too Many Requests — the step's calls are paused until 2025-06-15 16:07:10 UTC for a Retry-After of 3600 s, past what retry-timeout leaves (0 attempts)`
      }
    })
  })
})

describe('invoke with a later deadline (polling)', () => {
  it('ends a body that keeps dripping once the deadline has passed, naming the input', async () => {
    const fake = fakeDeps([])
    const dripping = new Readable({ read() {} })
    dripping.push('{')
    // The deadline is 50 ms of real time away: the body's bytes would keep it going for ever.
    const result = await invoke(
      Get,
      { ...policy(60_000), deadline: { atMs: fake.deps.now() + 50, input: 'poll-timeout' } },
      {
        ...fake.deps,
        transport: { send: async () => ({ status: 404, headers: {}, body: dripping }) }
      }
    )
    expect(dripping.destroyed).toBe(true)
    expect(result).toMatchObject({
      status: 404,
      body: undefined,
      failure: {
        kind: 'transport',
        message: `GET https://h/api/services/G failed: poll-timeout ended while the body was still arriving (while reading the body of HTTP 404)`
      }
    })
  })

  it('reads a body that ends in time as usual', async () => {
    const fake = fakeDeps([{ status: 200, body: '{"Status":"Executing"}' }])
    const result = await invoke(
      Get,
      { ...policy(60_000), deadline: { atMs: fake.deps.now() + 60_000, input: 'poll-timeout' } },
      fake.deps
    )
    expect(result).toMatchObject({ status: 200, failure: undefined })
    expect(result.body?.head.toString()).toBe('{"Status":"Executing"}')
  })
})
