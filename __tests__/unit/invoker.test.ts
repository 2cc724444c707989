import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import type { HttpRequest, HttpResponse } from '../../src/http.js'
import { invoke, type InvokerDeps } from '../../src/invoker.js'

const Url = 'https://h/api/services/G/S/O'
const Post: HttpRequest = {
  method: 'POST',
  url: Url,
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
  body: Buffer.from('{}')
}
const Get: HttpRequest = { method: 'GET', url: 'https://h/api/services/G', headers: {} }

/** One scripted answer: a response, or an error the transport throws. */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | { error: Error }

function transportError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * Fakes for the invoker: the transport plays `answers` in order and takes `latencyMs` of fake
 * time per request; sleep only advances the fake clock and records the wait.
 */
function fakeDeps(answers: Answer[], options: { latencyMs?: number } = {}) {
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
    const result = await invoke(Post, 0, fake.deps)
    expect(result).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { bytes: 11, head: Buffer.from('{"ok":true}'), file: '/fake' },
      attempts: 1,
      waitedMs: 0,
      elapsedMs: 0,
      failure: undefined
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
    const result = await invoke(Post, 60_000, fake.deps)
    expect(fake.sleeps).toEqual([1_000, 1_000])
    expect(result).toMatchObject({
      status: 200,
      attempts: 3,
      waitedMs: 2_000,
      elapsedMs: 5_000,
      failure: undefined
    })
    expect(result.body?.head.toString()).toBe('{"ok":true}')
    expect(fake.sent).toHaveLength(3)
    expect(fake.lines).toEqual([
      `POST ${Url} → 429, waiting 1 s (attempt 2, 58 s left)`,
      `POST ${Url} → 429, waiting 1 s (attempt 3, 56 s left)`,
      `POST ${Url} → 200 (attempt 3)`
    ])
  })

  it('says there is no limit when retry-timeout is 0, and waits 10 s without Retry-After', async () => {
    const fake = fakeDeps([{ status: 429 }, { status: 204 }])
    const result = await invoke(Get, 0, fake.deps)
    expect(fake.sleeps).toEqual([10_000])
    expect(fake.lines[0]).toBe(
      'GET https://h/api/services/G → 429, waiting 10 s (attempt 2, no retry-timeout)'
    )
    expect(result).toMatchObject({ status: 204, attempts: 2, waitedMs: 10_000, failure: undefined })
  })

  it('gives up without sleeping when the next wait would pass retry-timeout', async () => {
    const fake = fakeDeps([
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 429, headers: { 'retry-after': '3' }, body: '{"Message":"throttled"}' }
    ])
    const result = await invoke(Post, 5_000, fake.deps)
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

  it('says when the 10 s default, not Retry-After, is what passes retry-timeout', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': 'soon' } }], { latencyMs: 250 })
    const result = await invoke(Post, 5_000, fake.deps)
    expect(fake.sleeps).toEqual([])
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 429 Too Many Requests — no readable Retry-After, so the wait would be the default 10 s, but retry-timeout leaves 4.7 s (1 attempt)`
    )
  })

  it('gives up on the first 429 when its wait alone passes retry-timeout', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '3600' } }])
    const result = await invoke(Post, 60_000, fake.deps)
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
    const result = await invoke(Post, 60_000, fake.deps)
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
    const result = await invoke(Post, 0, fake.deps)
    expect(fake.sleeps).toEqual([300_000, 300_000])
    expect(result).toMatchObject({ status: 200, attempts: 3, waitedMs: 600_000 })
    expect(fake.lines.slice(0, 2)).toEqual([
      `POST ${Url} → 429, waiting 300 s (attempt 2, no retry-timeout; Retry-After asks for 86400 s: each wait is capped at 300 s when retry-timeout is 00:00:00)`,
      `POST ${Url} → 429, waiting 300 s (attempt 3, no retry-timeout; Retry-After asks for at least 999999999 s: each wait is capped at 300 s when retry-timeout is 00:00:00)`
    ])
  })

  it('gives up at once on a Retry-After beyond any timer when retry-timeout is set', async () => {
    const fake = fakeDeps([{ status: 429, headers: { 'retry-after': '9'.repeat(400) } }])
    const result = await invoke(Post, 60_000, fake.deps)
    expect(fake.sleeps).toEqual([])
    expect(result).toMatchObject({ status: 429, attempts: 1, waitedMs: 0 })
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 429 Too Many Requests — Retry-After asks for at least 999999999 s but retry-timeout leaves 60 s (1 attempt)`
    )
  })

  it('reports a transport error with its code and no status', async () => {
    const fake = fakeDeps([{ error: transportError('socket hang up', 'ECONNRESET') }])
    const result = await invoke(Post, 60_000, fake.deps)
    expect(result).toMatchObject({
      status: undefined,
      headers: {},
      body: undefined,
      attempts: 1,
      failure: { kind: 'transport', message: `POST ${Url} failed: ECONNRESET: socket hang up` }
    })
    expect(fake.lines).toEqual([`POST ${Url} → no response (attempt 1)`])
  })

  it('does not repeat the code when the error message already names it', async () => {
    const fake = fakeDeps([
      { error: transportError('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED') }
    ])
    const result = await invoke(Get, 0, fake.deps)
    expect(result.failure?.message).toBe(
      'GET https://h/api/services/G failed: connect ECONNREFUSED 127.0.0.1:443'
    )
  })

  it('never retries a POST after a transport error', async () => {
    const fake = fakeDeps([
      { error: transportError('socket hang up', 'ECONNRESET') },
      { status: 200, body: 'would be a second run' }
    ])
    const result = await invoke(Post, 0, fake.deps)
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
    const result = await invoke(Post, 0, fake.deps)
    expect(fake.sent).toHaveLength(1)
    expect(fake.sleeps).toEqual([])
    expect(result.status).toBe(500)
    expect(result.attempts).toBe(1)
    expect(result.failure).toMatchObject({ kind: 'http', status: 500 })
    expect(result.failure?.withoutBody).toBe(`POST ${Url} failed: HTTP 500 Internal Server Error`)
    expect(result.failure?.message).toBe(
      `POST ${Url} failed: HTTP 500 Internal Server Error — An exception occured when invoking the operation - ` +
        'Customer 4711 does not exist. (XppServicesException)'
    )
    expect(result.body?.head.toString()).toBe(body)
  })

  it('hints at service-name on a 404', async () => {
    const fake = fakeDeps([{ status: 404, body: '' }])
    const result = await invoke(Get, 0, fake.deps)
    expect(result.status).toBe(404)
    expect(result.failure?.message).toMatch(
      /^GET https:\/\/h\/api\/services\/G failed: HTTP 404 Not Found — /
    )
    expect(result.failure?.message).toContain("check 'service-name'")
  })

  it('hints at url and token expiry on a 401', async () => {
    const fake = fakeDeps([{ status: 401 }])
    const result = await invoke(Post, 0, fake.deps)
    expect(result.failure?.message).toContain('HTTP 401 Unauthorized')
    expect(result.failure?.message).toContain("check that 'url' is the environment's URL")
  })

  it('hints at the Entra ID application registration in F&O on a 403', async () => {
    const fake = fakeDeps([{ status: 403 }])
    const result = await invoke(Post, 0, fake.deps)
    expect(result.failure?.message).toContain('HTTP 403 Forbidden')
    expect(result.failure?.message).toContain('Microsoft Entra ID applications')
    expect(result.failure?.message).toContain('client-id')
  })

  it('says the connection failed while reading the body', async () => {
    const fake = fakeDeps([{ status: 200, headers: { 'content-length': '100' }, body: '{"par' }])
    fake.failReceive(transportError('aborted', 'ECONNRESET'))
    const result = await invoke(Post, 0, fake.deps)
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
    const result = await invoke(Post, 0, fake.deps)
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
    const result = await invoke(Get, 0, fake.deps)
    expect(result.elapsedMs).toBe(250 + 2_000 + 250)
    expect(result.waitedMs).toBe(2_000)
  })
})
