/**
 * Limits that hold for a whole step, not only per call, end to end against the bundle and a
 * hostile F&O of the test's own on 127.0.0.1: a Retry-After no budget can cover, a service that
 * refuses every call, a poll answer that drips for ever, many large answers. Each test asserts
 * what the server saw and what the user reads.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { readFile } from 'node:fs/promises'
import {
  fromActionPath,
  runAction,
  type ActionRun,
  type RunOptions
} from '../../scripts/action-runner.mjs'
import { errors, expectFailure, readResults } from '../../__fixtures__/run-assertions.js'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import {
  clientSecretInputs,
  runAgainst,
  serviceRequests,
  useSimulator
} from '../../__fixtures__/simulator.js'

const token = 'step-limits-token-5e81c0'
const service = 'SimTestService/EchoService/Echo'

/** A request the server saw: which call sent it (the payload's `n`), its attempt, and when. */
interface Seen {
  readonly n: number
  readonly attempt: number
  readonly time: number
}

type Handler = (seen: Seen, res: ServerResponse) => void | Promise<void>

let server: Server
let url: string
let handler: Handler
const seen: Seen[] = []
const sockets = new Set<Socket>()

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const n = text ? Number((JSON.parse(text) as { n?: unknown }).n ?? 0) : 0
      const request = {
        n,
        attempt: seen.filter(earlier => earlier.n === n).length + 1,
        time: Date.now()
      }
      seen.push(request)
      void Promise.resolve(handler(request, res)).catch(() => res.destroy())
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => server.close(resolve))
})
beforeEach(() => {
  seen.length = 0
  handler = (_, res) => json(res, 200, '{}')
  // Connections a dripping answer left open do not reach into the next test.
  for (const socket of sockets) socket.destroy()
})

function json(res: ServerResponse, status: number, body: string, headers = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(body)
}

/** Runs the bundle against the server with the static token; every run is checked for leaks. */
async function run(
  inputs: Record<string, string>,
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  const result = await runAction({
    ...options,
    inputs: { url, token, 'service-name': service, ...inputs }
  })
  expectNoSecretLeaks(result, [token])
  return result
}

/** `count` calls whose payloads say which call they are: {"n": 1} … */
function numberedCalls(count: number): string {
  return JSON.stringify(Array.from({ length: count }, (_, i) => ({ payload: { n: i + 1 } })))
}

/** The calls the server saw, each once. */
const callsSeen = (): number[] => [...new Set(seen.map(request => request.n))].sort((a, b) => a - b)

describe('memory: many calls keep no answer for the summary', () => {
  /**
   * A JSON answer of exactly `bytes` bytes made of as many objects as fit: once parsed it takes
   * many times its text's size, the worst an answer of that size can do to memory.
   */
  const answerOf = (bytes: number): string => {
    const record = '{},'
    const records = Math.floor((bytes - 64) / record.length)
    const list = `[${record.repeat(records).slice(0, -1)}]`
    const frame = `{"value":${list},"Pad":""}`
    return `{"value":${list},"Pad":"${' '.repeat(bytes - frame.length)}"}`
  }

  it('110 answers of 64 KiB peak within 1.5× the memory of 110 answers of 1 KiB', async () => {
    const peak = async (bytes: number): Promise<number> => {
      const body = answerOf(bytes)
      handler = (_, res) => json(res, 200, body)
      const result = await run(
        { calls: numberedCalls(110), concurrency: '4' },
        { measurePeakRss: true, killAfterMs: 120_000 }
      )
      expect(errors(result)).toEqual([])
      expect(result.outputs).toMatchObject({ total: '110', succeeded: '110' })
      // Every answer is whole in the results file: the memory is not saved by dropping them.
      const lines = await readResults(result)
      expect(lines.map(line => JSON.stringify(line['response']).length)).toEqual(
        Array(110).fill(bytes)
      )
      return result.peakRssBytes ?? NaN
    }
    const small = await peak(1024)
    const large = await peak(64 * 1024)
    process.stdout.write(
      `peak RSS: 110 × 1 KiB ${(small / 2 ** 20).toFixed(1)} MiB, 110 × 64 KiB ${(large / 2 ** 20).toFixed(1)} MiB\n`
    )
    // A figure a Node process can have: a probe that reports none, or not its own, fails here.
    expect(small).toBeGreaterThan(20 * 2 ** 20)
    expect(large / small).toBeLessThanOrEqual(1.5)
  }, 240_000)
})

describe('throttling: a pause no budget can cover, and a service that refuses every call', () => {
  it('Retry-After 3600 fails all 8 calls at concurrency 2 at once, with no request after the first wave', async () => {
    handler = (_, res) =>
      json(res, 429, '{"Message":"Too many requests."}', { 'Retry-After': '3600' })
    // Without the rule each wave would wait (5 minutes, then 5 more …): the run would be killed.
    const result = await run({ calls: numberedCalls(8), concurrency: '2' }, { killAfterMs: 60_000 })

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ total: '8', succeeded: '0', failed: '8' })
    // The calls' own clock, not the process start: nothing waited.
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(5_000)
    // The first wave only: nothing went out inside the hour F&O asked for.
    expect(seen.length).toBeLessThanOrEqual(2)
    expect(seen.every(request => request.attempt === 1 && request.n <= 2)).toBe(true)
    const lines = await readResults(result)
    const sent = lines.filter(line => Number(line['attempts']) > 0)
    expect(sent.length).toBeGreaterThanOrEqual(1)
    expect(sent.map(line => line['error'])).toEqual(
      sent.map(() =>
        expect.stringMatching(
          /failed: HTTP 429 Too Many Requests — Retry-After asks for 3600 s but retry-timeout leaves 89\d\.\d s \(1 attempt\)$/
        )
      )
    )
    // Every call the pause would have held fails with the same line, naming the window's end.
    const held = lines.filter(line => line['attempts'] === 0)
    expect(held.length).toBeGreaterThanOrEqual(6)
    expect(new Set(held.map(line => line['error'])).size).toBe(1)
    expect(held[0]['error']).toMatch(
      new RegExp(
        `^POST ${url}/api/services/${service} failed: HTTP 429 Too Many Requests — the step's calls are paused until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC for a Retry-After of 3600 s, past what retry-timeout leaves \\(0 attempts\\)$`
      )
    )
    expectFailure(result, /^8 of 8 calls failed: /)
  })

  it('16 calls answered 429 Retry-After 0: after 2 × concurrency throttled failures in a row, the rest fail at once', async () => {
    handler = (_, res) => json(res, 429, '{}', { 'Retry-After': '0' })
    const result = await run(
      { calls: numberedCalls(16), concurrency: '2', 'retry-timeout': '00:00:06' },
      { killAfterMs: 90_000 }
    )

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ total: '16', succeeded: '0', failed: '16' })
    // Two or three spells of 6 s, far from 16 × 6 s: half of that is a bound no load reaches.
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(48_000)
    // Two waves of two spent their retry-timeout (a call in flight when the breaker opened
    // finishes); every other call is not sent: 16 × 6 s became about 2 × 6 s.
    expect(callsSeen().length).toBeGreaterThanOrEqual(4)
    expect(callsSeen().length).toBeLessThanOrEqual(5)
    const lines = await readResults(result)
    const notSent = lines.filter(line => line['attempts'] === 0)
    expect(notSent.length).toBe(16 - callsSeen().length)
    expect(notSent.map(line => line['error'])).toEqual(
      notSent.map(
        () =>
          `POST ${url}/api/services/${service} was not sent: the last 4 calls that ended all failed for throttling (HTTP 429 past retry-timeout), so the calls not yet started are not sent`
      )
    )
    // Each call that was sent spent its own budget, one request a second at most: its last
    // request left within the 6 s (its wait ended inside them), late only by what a starved
    // machine adds to a timer, never by a second budget.
    for (const n of callsSeen()) {
      const times = seen.filter(request => request.n === n).map(request => request.time)
      expect(times.length).toBeGreaterThanOrEqual(2)
      expect(times.at(-1)! - times[0]).toBeLessThan(9_000)
    }
  }, 120_000)

  it('a long batch that is only sometimes throttled keeps running: every call is sent', async () => {
    // Every fourth call is refused for good; every odd one once, then admitted.
    handler = (request, res) => {
      const refused = request.n % 4 === 0 || (request.n % 2 === 1 && request.attempt === 1)
      if (refused) json(res, 429, '{}', { 'Retry-After': '0' })
      else json(res, 200, '{}')
    }
    const result = await run(
      { calls: numberedCalls(16), concurrency: '2', 'retry-timeout': '00:00:05' },
      { killAfterMs: 120_000 }
    )

    expect(callsSeen()).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    const lines = await readResults(result)
    expect(lines.filter(line => line['attempts'] === 0)).toEqual([])
    expect(lines.filter(line => line['error'] !== null).map(line => line['index'])).toEqual([
      4, 8, 12, 16
    ])
    expect(result.outputs).toMatchObject({ total: '16', succeeded: '12', failed: '4' })
  }, 150_000)
})

describe('polling: every wait ends by poll-timeout', () => {
  it.each([
    ['404', 404],
    ['200', 200]
  ])(
    'a "not yet" %s whose body drips a byte a second ends at poll-timeout, not never',
    async (_, status) => {
      // Each byte comes within timeout-sec, so only the poll deadline can end the body.
      handler = async (_request, res) => {
        res.writeHead(status, { 'Content-Type': 'application/json' })
        res.write('{')
        while (!res.destroyed) {
          await new Promise(resolve => setTimeout(resolve, 1000))
          res.write(' ')
        }
      }
      const result = await run(
        {
          payload: '{"n": 1}',
          until: "Status == 'Succeeded'",
          'poll-interval': '1',
          'poll-timeout': '00:00:03',
          'timeout-sec': '2'
        },
        { killAfterMs: 30_000 }
      )

      expect(result.exitCode).toBe(1)
      expectFailure(
        result,
        new RegExp(
          `^POST ${url}/api/services/${service} failed: poll-timeout ended while the body was still arriving \\(while reading the body of HTTP ${status}, after \\d+ bytes\\)$`
        )
      )
      expect(result.outputs['status']).toBe(String(status))
      // Within poll-timeout plus one timeout-sec; without the rule the body never ends.
      expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(2_900)
      expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(5_000)
      expect(seen).toHaveLength(1)
    },
    40_000
  )
})

describe('mask-response with many calls', () => {
  it.each([
    ['calls', (): Record<string, string> => ({ calls: numberedCalls(3) })],
    ['calls-file', (): Record<string, string> => ({ 'calls-file': 'calls.jsonl' })]
  ])('is refused with %s before any request', async (given, inputs) => {
    const result = await run({ ...inputs(), 'mask-response': 'true' })
    expect(result.exitCode).toBe(1)
    expectFailure(
      result,
      new RegExp(
        `^mask-response is for a single call and cannot go with ${given}: many calls do not register their answers as secrets\\. `
      )
    )
    expect(seen).toEqual([])
  })
})

describe('disk: the response files of many calls share one bound', () => {
  it('holds the files of all calls to 10 × max-response-size: the calls past it fail, naming the bound', async () => {
    // 90 KiB answers each get a file; 100 KiB per call, so 1000 KiB for all: 11 files fit.
    const body = `"${'x'.repeat(90 * 1024 - 2)}"`
    handler = (_, res) => json(res, 200, body)
    const result = await run({
      calls: numberedCalls(14),
      concurrency: '1',
      'max-response-size': '100KiB'
    })

    expect(result.outputs).toMatchObject({ total: '14', succeeded: '11', failed: '3' })
    expect(callsSeen()).toHaveLength(14)
    const lines = await readResults(result)
    for (const line of lines.slice(0, 11)) {
      expect((await readFile(fromActionPath(String(line['response-file'])), 'utf8')).length).toBe(
        90 * 1024
      )
    }
    expect(lines.slice(11).map(line => [line['response-file'], line['error']])).toEqual(
      lines
        .slice(11)
        .map(() => [
          null,
          expect.stringMatching(
            /failed: the response files of the step's calls would pass 1000 KiB together \(10 × max-response-size\) \(while reading the body of HTTP 200, after \d+ bytes\)$/
          )
        ])
    )
  })
})

describe('sign-ins: short-lived tokens', () => {
  const app = { clientId: 'step-limits-app', clientSecret: 'step-limits-secret~Q8.w_27' }
  const sim = useSimulator({ clients: [app] })

  it('40 calls with 120-s tokens sign in at most 3 times, not before nearly every call', async () => {
    // Every token the simulator issues lives 120 s: always within 5 minutes of its expiry.
    sim().tokenLifetimes(Array.from({ length: 40 }, () => ({ expiresInSeconds: 120 })))
    const result = await runAgainst(sim(), {
      inputs: {
        ...clientSecretInputs(sim(), app),
        'service-name': service,
        calls: numberedCalls(40),
        concurrency: '2'
      }
    })

    expect(errors(result)).toEqual([])
    expect(result.outputs).toMatchObject({ total: '40', succeeded: '40' })
    expect(serviceRequests(sim())).toHaveLength(40)
    const signIns = sim().requests.filter(request => request.kind === 'token')
    expect(signIns.length).toBeGreaterThanOrEqual(1)
    expect(signIns.length).toBeLessThanOrEqual(3)
  })
})
