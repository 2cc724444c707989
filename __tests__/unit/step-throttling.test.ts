import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { createTokenBucket } from '../../sim/throttle.mjs'
import { createStepThrottling } from '../../src/many/step-throttling.js'
import { runPool } from '../../src/many/worker-pool.js'
import { fakeTime } from '../../__fixtures__/fake-time.js'

/** A seeded [0, 1) source, so a failing case replays. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

interface Scenario {
  /** Requests the service admits per second; its allowance holds one second's worth. */
  readonly rate: number
  readonly concurrency: number
  /** Round trip of one request. */
  readonly latencyMs: number
  readonly calls: number
  readonly seed: number
}

interface Sent {
  readonly sentAt: number
  readonly arrivedAt: number
  readonly admitted: boolean
}

/**
 * Many calls through one shared throttle against a token bucket, on a fake clock, started by the
 * step's worker pool within the throttle's limit: each call waits for its turn, is answered after
 * the round trip, and on a 429 waits its Retry-After and goes again, as the invoker does.
 * Returns every request as the service saw it.
 */
async function runCalls(scenario: Scenario) {
  const time = fakeTime()
  const lines: string[] = []
  const throttle = createStepThrottling(
    scenario.concurrency,
    { ...time, random: seededRandom(scenario.seed), info: line => lines.push(line) },
    { retryTimeoutMs: 0 }
  )
  const bucket = createTokenBucket({ rate: scenario.rate }, time.now())
  const sent: Sent[] = []
  async function call(): Promise<void> {
    await throttle.ready(undefined)
    for (;;) {
      await throttle.turn(undefined)
      const sentAt = time.now()
      await time.sleep(scenario.latencyMs / 2)
      const arrivedAt = time.now()
      const answer = bucket.take(arrivedAt)
      sent.push({ sentAt, arrivedAt, admitted: answer.admitted })
      await time.sleep(scenario.latencyMs / 2)
      const retryAfter = answer.admitted ? undefined : String(answer.retryAfterSeconds)
      throttle.answered(sentAt, answer.admitted ? 200 : 429, retryAfter)
      if (retryAfter === undefined) return
      await time.sleep(Number(retryAfter) * 1000)
    }
  }
  let finished = false
  const pool = runPool(Array.from({ length: scenario.calls }), call, {
    limit: () => throttle.limit(),
    done: () => {}
  }).finally(() => (finished = true))
  while (!finished && (await time.step()));
  await pool
  const admitted = sent.filter(r => r.admitted)
  const first = sent[0]?.arrivedAt ?? NaN
  const last = admitted.at(-1)?.arrivedAt ?? NaN
  return {
    sent,
    lines,
    // As the bench counts it: admitted after the first full allowance, per second, over the rate.
    throughput: (admitted.length - scenario.rate) / ((last - first) / 1000) / scenario.rate,
    throttledShare: sent.filter(r => !r.admitted).length / sent.length
  }
}

/** Requests sent after a 429 came back and before its Retry-After had passed. */
function sentInsideRetryAfter(
  run: Awaited<ReturnType<typeof runCalls>>,
  latencyMs: number
): string[] {
  return run.sent
    .filter(r => !r.admitted)
    .flatMap(answer => {
      const knownAt = answer.arrivedAt + latencyMs / 2
      return run.sent
        .filter(r => r.sentAt > knownAt && r.sentAt < knownAt + 1000)
        .map(r => `sent ${r.sentAt - knownAt} ms after a 429 came back`)
    })
}

describe('createStepThrottling against a rate limit', () => {
  it('learns the admitted rate from two 429s and keeps to it: the bench scenario', async () => {
    const run = await runCalls({ rate: 50, concurrency: 4, latencyMs: 8, calls: 500, seed: 7 })
    expect(run.sent.filter(r => r.admitted)).toHaveLength(500)
    expect(run.throughput).toBeGreaterThanOrEqual(0.95)
    expect(run.throttledShare).toBeLessThan(0.05)
    const paced = run.lines.filter(line => line.startsWith('Requests are paced at '))
    expect(paced[0]).toMatch(
      /^Requests are paced at 4\d\.\d\/s from now on: what the service admitted between its last two 429s$/
    )
    // Two bursts of 429s teach it the rate; after that it stays within the limit.
    const refusedAt = run.sent.filter(r => !r.admitted).map(r => r.arrivedAt)
    const bursts = refusedAt.filter((at, i) => i === 0 || at - (refusedAt[i - 1] ?? 0) > 500)
    expect(bursts).toHaveLength(2)
  })

  it('keeps ≥ 0.95 of the admitted rate with under 5 % of requests answered 429, at the round trips of a region', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rate: fc.integer({ min: 20, max: 200 }),
          concurrency: fc.integer({ min: 1, max: 8 }),
          latencyMs: fc.integer({ min: 1, max: 50 }),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 })
        }),
        async ({ rate, concurrency, latencyMs, seed }) => {
          // Only calls able to outrun the limit meet it; a 30-second run.
          fc.pre((concurrency * 1000) / latencyMs >= 2 * rate)
          const run = await runCalls({ rate, concurrency, latencyMs, calls: 30 * rate, seed })
          expect(run.throughput).toBeGreaterThanOrEqual(0.95)
          expect(run.throttledShare).toBeLessThan(0.05)
        }
      ),
      { numRuns: 25 }
    )
  }, 120_000)

  it('never sends a request inside a Retry-After it has had, and every call ends admitted, for any rate, round trip and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rate: fc.integer({ min: 1, max: 200 }),
          concurrency: fc.integer({ min: 1, max: 32 }),
          latencyMs: fc.integer({ min: 1, max: 400 }),
          calls: fc.integer({ min: 1, max: 300 }),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 })
        }),
        async scenario => {
          const run = await runCalls(scenario)
          expect(run.sent.filter(r => r.admitted)).toHaveLength(scenario.calls)
          expect(sentInsideRetryAfter(run, scenario.latencyMs)).toEqual([])
        }
      ),
      { numRuns: 25 }
    )
  }, 120_000)
})

const NoLimit = { retryTimeoutMs: 0 }

describe('createStepThrottling', () => {
  it('gives up waiting for a pause that ends past the call’s budget, and says how long it lasts', async () => {
    const time = fakeTime(Date.UTC(2025, 5, 15, 15, 0, 0))
    const throttle = createStepThrottling(4, { ...time, random: () => 0, info: () => {} }, NoLimit)
    throttle.answered(time.now(), 429, '30')
    expect(await throttle.turn(time.now() + 10_000)).toEqual({
      pausedMs: 30_000,
      reason: "the step's calls are paused until 2025-06-15 15:00:30 UTC for a Retry-After of 30 s"
    })
    const waiting = throttle.turn(time.now() + 40_000)
    while (await time.step());
    expect(await waiting).toEqual({ waitedMs: 30_000 })
  })

  it('pauses for all of a long Retry-After when retry-timeout is limited, and holds no call it cannot cover', async () => {
    const time = fakeTime(Date.UTC(2025, 5, 15, 15, 0, 0))
    const throttle = createStepThrottling(
      2,
      { ...time, random: () => 0, info: () => {} },
      { retryTimeoutMs: 900_000 }
    )
    throttle.answered(time.now(), 429, '3600')
    const line =
      "the step's calls are paused until 2025-06-15 16:00:00 UTC for a Retry-After of 3600 s"
    // A call not yet started, with 15 minutes to spend: told at once, and every one the same.
    expect(await throttle.ready(time.now() + 900_000)).toEqual({
      pausedMs: 3_600_000,
      reason: line
    })
    time.set(time.now() + 1000)
    expect(await throttle.ready(time.now() + 900_000)).toEqual({
      pausedMs: 3_599_000,
      reason: line
    })
    // Nothing goes out inside the window: a call that can wait waits all of it, not 5 minutes.
    const start = time.now()
    const waiting = throttle.turn(start + 4_000_000)
    while (await time.step());
    expect(await waiting).toEqual({ waitedMs: 3_599_000 })
    expect(time.now() - start).toBe(3_599_000)
  })

  it('refuses a waiting call once a longer pause it cannot cover comes in, instead of waiting for it', async () => {
    const time = fakeTime(0)
    const throttle = createStepThrottling(
      2,
      { ...time, random: () => 0, info: () => {} },
      { retryTimeoutMs: 900_000 }
    )
    throttle.answered(0, 429, '1')
    const waiting = throttle.ready(900_000)
    const turning = throttle.turn(900_000)
    await new Promise(resolve => setImmediate(resolve))
    // Another call's answer asks for an hour while these two wait out the first second.
    throttle.answered(0, 429, '3600')
    while (await time.step());
    expect(await waiting).toMatchObject({ pausedMs: 3_599_000 })
    expect(await turning).toMatchObject({ pausedMs: 3_599_000 })
    expect(time.now()).toBe(1000)
  })

  it('cuts a pause to 5 minutes when retry-timeout sets no limit, as each call cuts its waits', async () => {
    const time = fakeTime(0)
    const throttle = createStepThrottling(2, { ...time, random: () => 0, info: () => {} }, NoLimit)
    throttle.answered(0, 429, '3600')
    const waiting = throttle.ready(undefined)
    while (await time.step());
    expect(await waiting).toBeUndefined()
    expect(time.now()).toBe(300_000)
  })

  it('leaves the calls in flight alone for the first burst, and halves them for later ones only when no pace is learned', () => {
    const time = fakeTime(0)
    const lines: string[] = []
    const throttle = createStepThrottling(
      8,
      { ...time, random: () => 0, info: l => lines.push(l) },
      NoLimit
    )
    // The first burst: all eight in flight refused together.
    for (let i = 0; i < 8; i++) throttle.answered(0, 429, '30')
    expect(throttle.limit()).toBe(8)
    // Ten admitted in the next 31 seconds: under one a second, too slow to pace.
    time.set(30_000)
    for (let i = 0; i < 10; i++) throttle.answered(30_000 + i * 100, 200, undefined)
    time.set(31_000)
    throttle.answered(31_000, 429, '30')
    throttle.answered(31_000, 429, '30')
    expect(throttle.limit()).toBe(4)
    expect(lines).toContain('Throttled again: 4 calls in flight at most (was 8)')
    expect(lines.filter(l => l.startsWith('Requests are paced'))).toEqual([])
  })

  it('holds a request booked in the pace when a 429 comes in meanwhile', async () => {
    const time = fakeTime(0)
    const throttle = createStepThrottling(4, { ...time, random: () => 0, info: () => {} }, NoLimit)
    // 20 admitted in the two seconds between two 429s: 10 requests a second.
    throttle.answered(0, 429, '1')
    time.set(1000)
    for (let i = 0; i < 20; i++) throttle.answered(1000 + i * 50, 200, undefined)
    time.set(2000)
    throttle.answered(2000, 429, '1')
    time.set(3000)
    // The allowance of the pause goes at once; the eleventh waits 100 ms for its place.
    for (let i = 0; i < 10; i++) expect(await throttle.turn(undefined)).toEqual({ waitedMs: 0 })
    const booked = throttle.turn(undefined)
    await new Promise(resolve => setImmediate(resolve))
    throttle.answered(3000, 429, '2')
    while (await time.step());
    // It went after the new pause, not at its place 100 ms on.
    expect(await booked).toEqual({ waitedMs: 2000 })
  })
})
