import { createConcurrencyControl } from './concurrency-control.js'
import { createRatePacer } from './rate-pacer.js'
import { decideRetry, MinRetryWaitMs } from './retry-policy.js'
import { createThrottleGate, MaxJitterMs } from './throttle-gate.js'

/** The clock, sleep, random source and log of the throttle; tests pass fakes. */
export interface SharedThrottleDeps {
  /** Milliseconds since the epoch. */
  now(): number
  sleep(ms: number): Promise<void>
  /** [0, 1) like Math.random: the jitter of pauses. */
  random(): number
  /** One line for the log (what the step does about throttling). */
  info(line: string): void
}

/**
 * What the calls of a many-calls step share about throttling: the pause a 429 imposes on all of
 * them, the pace learned from repeated 429s, and the number of calls in flight.
 */
export interface SharedThrottle {
  /**
   * Waits for the next request's turn: no pause in force, and its place in the pace. `untilMs` is
   * when the call's retry budget ends (undefined: no limit, or no request sent yet); a pause
   * that would end past it is not waited for, and its length is returned instead.
   */
  turn(untilMs: number | undefined): Promise<{ waitedMs: number } | { pausedMs: number }>
  /** Resolves once no pause is in force, without taking a place in the pace. */
  ready(): Promise<void>
  /** A request sent at `sentAtMs` got `status`, with this Retry-After header. */
  answered(sentAtMs: number, status: number, retryAfter: string | undefined): void
  /** Calls that may be in flight now. */
  limit(): number
}

const NoWait = Object.freeze({ waitedMs: 0 })

/**
 * `concurrency` calls in flight at first. A 429 on any call pauses every call for its
 * Retry-After (read as the call's own retry reads it; without one, the shortest wait). From the
 * second burst of 429s on, requests are paced at the rate the service admitted; when no rate can
 * be learned, repeated 429s lower the number of calls in flight instead.
 */
export function createSharedThrottle(
  concurrency: number,
  deps: SharedThrottleDeps
): SharedThrottle {
  const gate = createThrottleGate(deps)
  const pacer = createRatePacer(deps)
  const control = createConcurrencyControl({
    max: concurrency,
    now: deps.now,
    changed: (from, to, why) =>
      deps.info(
        why === 'throttled'
          ? `Throttled again: ${to} calls in flight at most (was ${from})`
          : `A run of successes: ${to} calls in flight at most (was ${from})`
      )
  })
  return {
    async turn(untilMs) {
      // Most requests of most steps: nothing to wait for, and nothing allocated for it.
      if (gate.remainingMs() === 0 && pacer.rate() === undefined) return NoWait
      const from = deps.now()
      for (;;) {
        const left = gate.remainingMs()
        // The jitter never costs a call its last retry.
        if (left > 0 && untilMs !== undefined && deps.now() + left > untilMs + MaxJitterMs) {
          return { pausedMs: left }
        }
        await gate.ready()
        const sendAt = pacer.reserve()
        if (sendAt > deps.now()) await deps.sleep(sendAt - deps.now())
        // A 429 that came in while this request waited for its place pauses it too.
        if (gate.remainingMs() === 0) return { waitedMs: deps.now() - from }
      }
    },
    ready: () => gate.ready(),
    answered(sentAtMs, status, retryAfter) {
      if (status !== 429) {
        control.succeeded()
        pacer.admitted(sentAtMs)
        return
      }
      const now = deps.now()
      const waitMs = decideRetry(retryAfter, now, now, 0, MinRetryWaitMs).waitMs
      const before = gate.remainingMs()
      const opensAt = gate.pause(waitMs)
      if (opensAt - now > before) {
        deps.info(`HTTP 429: every call waits ${Math.ceil((opensAt - now) / 1000)} s`)
      }
      const pace = pacer.rate()
      const burst = pacer.throttled(sentAtMs, waitMs)
      const paced = pacer.rate()
      // The first burst refuses every call in flight when the limit is first met, and halving
      // then would leave too few to measure the rate; paced requests keep to the service's rate
      // however many calls are in flight. Only later bursts that teach no pace thin them out.
      if (burst > 1 && paced === undefined) control.throttled(sentAtMs)
      if (paced !== undefined && paced !== pace) {
        deps.info(
          `Requests are paced at ${paced.toFixed(1)}/s from now on: what the service admitted between its last two 429s`
        )
      }
    },
    limit: () => control.limit()
  }
}
