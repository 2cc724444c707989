import { wholeSeconds } from '../common/timespan.js'
import { createInFlightLimit, type InFlightLimit } from './in-flight-limit.js'
import { createRatePacer, type RatePacer } from './rate-pacer.js'
import { decideRetry, MinRetryWaitMs } from '../transport/retry-policy.js'
import { createPauseGate, MaxJitterMs, MaxTimerMs, type PauseGate } from './pause-gate.js'

/** The clock, sleep, random source and log of the throttle; tests pass fakes. */
export interface StepThrottlingDeps {
  /** Milliseconds since the epoch. */
  now(): number
  sleep(ms: number): Promise<void>
  /** [0, 1) like Math.random: the jitter of pauses. */
  random(): number
  /** One line for the log (what the step does about throttling). */
  info(line: string): void
}

/** A pause the call does not wait for: how long it still lasts, and the line that says why. */
export interface Unwaited {
  readonly pausedMs: number
  /** The same for every call the pause stops: when it ends and the Retry-After that set it. */
  readonly reason: string
}

/**
 * What the calls of a many-calls step share about throttling: the pause a 429 imposes on all of
 * them, the pace learned from repeated 429s, and the number of calls in flight.
 */
export interface StepThrottling {
  /**
   * Waits for the next request's turn: no pause in force, and its place in the pace. `untilMs` is
   * when the call's retry budget ends (undefined: no limit); a pause that would end past it is
   * not waited for, and what stopped the call is returned instead.
   */
  turn(untilMs: number | undefined): Promise<{ waitedMs: number } | Unwaited>
  /**
   * Resolves once no pause is in force, without taking a place in the pace; undefined then. A
   * pause that would end past `untilMs` is not waited for: resolves with it at once instead.
   */
  ready(untilMs: number | undefined): Promise<Unwaited | undefined>
  /** A request sent at `sentAtMs` got `status`, with this Retry-After header. */
  answered(sentAtMs: number, status: number, retryAfter: string | undefined): void
  /** Calls that may be in flight now. */
  limit(): number
}

const NoWait = Object.freeze({ waitedMs: 0 })

/**
 * `concurrency` calls in flight at first. A 429 on any call pauses every call for its
 * Retry-After (read as the call's own retry reads it; without one, the shortest wait): all of
 * it, so no request goes out inside a window F&O asked for, unless `retryTimeoutMs` is 0 (no
 * limit), when a pause is cut to 5 minutes as each call's own waits are. A call whose budget
 * would end before the pause does is not held: it learns so at once and gives up. From the
 * second burst of 429s on, requests are paced at the rate the service admitted; when no rate
 * can be learned, repeated 429s lower the number of calls in flight instead.
 */
export function createStepThrottling(
  concurrency: number,
  deps: StepThrottlingDeps,
  options: { readonly retryTimeoutMs: number }
): StepThrottling {
  return new SharedThrottling(concurrency, deps, options.retryTimeoutMs)
}

class SharedThrottling implements StepThrottling {
  private readonly gate: PauseGate
  private readonly pacer: RatePacer
  private readonly control: InFlightLimit
  // The pause in force and the Retry-After that set it, for the line of the calls it stops.
  private pause = { opensAt: 0, askedMs: 0 }

  constructor(
    concurrency: number,
    private readonly deps: StepThrottlingDeps,
    private readonly retryTimeoutMs: number
  ) {
    this.gate = createPauseGate(deps)
    this.pacer = createRatePacer(deps)
    this.control = createInFlightLimit({
      max: concurrency,
      now: deps.now,
      changed: (from, to, why) =>
        deps.info(
          why === 'throttled'
            ? `Throttled again: ${to} calls in flight at most (was ${from})`
            : `A run of successes: ${to} calls in flight at most (was ${from})`
        )
    })
  }

  async turn(untilMs: number | undefined): Promise<{ waitedMs: number } | Unwaited> {
    const { gate, pacer, deps } = this
    // Most requests of most steps: nothing to wait for, and nothing allocated for it.
    if (gate.remainingMs() === 0 && pacer.rate() === undefined) return NoWait
    const from = deps.now()
    for (;;) {
      const stopped = await this.waitOut(untilMs)
      if (stopped !== undefined) return stopped
      const sendAt = pacer.reserve()
      if (sendAt > deps.now()) await deps.sleep(sendAt - deps.now())
      // A 429 that came in while this request waited for its place pauses it too.
      if (gate.remainingMs() === 0) return { waitedMs: deps.now() - from }
    }
  }

  ready(untilMs: number | undefined): Promise<Unwaited | undefined> {
    return this.waitOut(untilMs)
  }

  answered(sentAtMs: number, status: number, retryAfter: string | undefined): void {
    if (status !== 429) {
      this.control.succeeded()
      this.pacer.admitted(sentAtMs)
      return
    }
    const now = this.deps.now()
    const waitMs = pauseMs(retryAfter, now, this.retryTimeoutMs)
    this.pauseAll(waitMs, now)
    this.learnPace(sentAtMs, waitMs)
  }

  limit(): number {
    return this.control.limit()
  }

  /** Pauses every call for `waitMs` from `now`, unless a longer pause is in force already. */
  private pauseAll(waitMs: number, now: number): void {
    const before = this.gate.remainingMs()
    const opensAt = this.gate.pause(waitMs)
    if (opensAt - now > before) {
      this.pause = { opensAt, askedMs: waitMs }
      // The wait asked for, not the jittered one: a burst of equal Retry-Afters reads as one line
      // repeated, which the log folds; the jitter (at most 2%) would turn 1 s into "2 s".
      this.deps.info(`HTTP 429: every call waits ${wholeSeconds(waitMs)}`)
    }
  }

  /** The pace a burst of 429s teaches; or, when it teaches none, fewer calls in flight. */
  private learnPace(sentAtMs: number, waitMs: number): void {
    const pace = this.pacer.rate()
    const burst = this.pacer.throttled(sentAtMs, waitMs)
    const paced = this.pacer.rate()
    // The first burst refuses every call in flight when the limit is first met, and halving
    // then would leave too few to measure the rate; paced requests keep to the service's rate
    // however many calls are in flight. Only later bursts that teach no pace thin them out.
    if (burst > 1 && paced === undefined) this.control.throttled(sentAtMs)
    if (paced !== undefined && paced !== pace) {
      this.deps.info(
        `Requests are paced at ${paced.toFixed(1)}/s from now on: what the service admitted between its last two 429s`
      )
    }
  }

  /** The pause in force when the call's budget ends before it does; undefined when it may wait. */
  private unwaited(untilMs: number | undefined): Unwaited | undefined {
    const left = this.gate.remainingMs()
    // The jitter never costs a call its last retry.
    if (left === 0 || untilMs === undefined || this.deps.now() + left <= untilMs + MaxJitterMs) {
      return undefined
    }
    return { pausedMs: left, reason: pausedLine(this.pause.opensAt, this.pause.askedMs) }
  }

  // Waits out the pause in force, a stretch at a time: a longer pause that another call's 429
  // sets meanwhile is checked against the budget again, never simply waited for.
  private async waitOut(untilMs: number | undefined): Promise<Unwaited | undefined> {
    for (let left = this.gate.remainingMs(); left > 0; left = this.gate.remainingMs()) {
      const stopped = this.unwaited(untilMs)
      if (stopped !== undefined) return stopped
      await this.deps.sleep(Math.min(left, MaxTimerMs))
    }
    return undefined
  }
}

/**
 * How long a 429 pauses every call: what its Retry-After asks (at least 1 s; the shortest wait
 * without one), cut to 5 minutes only when retry-timeout sets no limit.
 */
export function pauseMs(
  retryAfter: string | undefined,
  nowMs: number,
  retryTimeoutMs: number
): number {
  const decision = decideRetry(retryAfter, nowMs, nowMs, 0, MinRetryWaitMs)
  return retryTimeoutMs === 0 ? decision.waitMs : Math.max(MinRetryWaitMs, decision.askedMs)
}

/**
 * Why a call does not wait for the step's pause: one line, the same for every call it stops, e.g.
 * "the step's calls are paused until 12:34:56 UTC for a Retry-After of 3600 s".
 */
export function pausedLine(opensAtMs: number, askedMs: number): string {
  const until = new Date(Math.min(opensAtMs, MaxDateMs)).toISOString()
  return `the step's calls are paused until ${until.slice(0, 10)} ${until.slice(11, 19)} UTC for a Retry-After of ${wholeSeconds(askedMs)}`
}

// The latest time a Date holds.
const MaxDateMs = 8.64e15
