import { DefaultRetryAfterMs } from '../common/constants.js'
import { MaxRetryAfterMs, parseRetryAfter } from './retry-after.js'

/** The shortest wait between two attempts, whatever Retry-After says (0, a past date). */
export const MinRetryWaitMs = 1_000

/** The longest single wait when retry-timeout is 00:00:00 (no limit): 5 minutes. */
export const MaxUnlimitedWaitMs = 5 * 60_000

/** What to do after a throttled (429) answer. */
export type RetryDecision = {
  /** True when Retry-After was missing or unreadable and the fallback wait applies. */
  readonly defaulted: boolean
  /** What Retry-After asked for (the 10 s default when it was unreadable), in ms. */
  readonly askedMs: number
  /** The wait taken, or that would have to be taken: at least 1 s, at most 5 min with no limit. */
  readonly waitMs: number
} & (
  | {
      readonly retry: true
      readonly leftMs: number | undefined
      /** True when the wait was cut to 5 minutes because retry-timeout sets no limit. */
      readonly capped: boolean
    }
  | { readonly retry: false; readonly leftMs: number }
)

/**
 * Decides whether a 429 (or a failure retry-on lists) is retried: wait what Retry-After asks
 * (`fallbackMs`, 10 s by default, when it is missing or unreadable; never less than 1 s), unless
 * that wait would end past the retry-timeout deadline counted from the first request; then give
 * up at once instead of sleeping first. A budget of 0 means no limit: every such answer is
 * retried, each wait cut to 5 minutes. Every wait fits a timer.
 */
export function decideRetry(
  retryAfter: string | undefined,
  startedAtMs: number,
  nowMs: number,
  budgetMs: number,
  fallbackMs: number = DefaultRetryAfterMs
): RetryDecision {
  const stated = parseRetryAfter(retryAfter, nowMs)
  const askedMs = stated ?? fallbackMs
  const defaulted = stated === undefined
  const floored = Math.max(MinRetryWaitMs, askedMs)
  if (budgetMs === 0) {
    const capped = floored > MaxUnlimitedWaitMs
    return {
      retry: true,
      askedMs,
      waitMs: capped ? MaxUnlimitedWaitMs : floored,
      leftMs: undefined,
      capped,
      defaulted
    }
  }
  const leftMs = Math.max(0, startedAtMs + budgetMs - nowMs)
  return floored <= leftMs
    ? { retry: true, askedMs, waitMs: floored, leftMs, capped: false, defaulted }
    : { retry: false, askedMs, waitMs: floored, leftMs, defaulted }
}

/** "; Retry-After asks for 86400 s: each wait is capped at 300 s …" when a wait was cut, else ''. */
export function describeCap(decision: RetryDecision): string {
  if (!decision.retry || !decision.capped) return ''
  return `; Retry-After asks for ${askedText(decision.askedMs)}: each wait is capped at ${MaxUnlimitedWaitMs / 1000} s when retry-timeout is 00:00:00`
}

/**
 * The wait used without a readable Retry-After: the fixed default (a token request's 429), the
 * back-off of a service call's 429 (`throttled`), or the back-off of what retry-on lists.
 */
export type Fallback = 'default' | 'throttled' | 'back-off'

/**
 * Why an answer is not waited out: "Retry-After asks for 90 s but retry-timeout leaves 12.5 s".
 * `fallback` names the wait used without Retry-After; `limit` the input whose deadline is nearer.
 */
export function describeGiveUp(
  decision: RetryDecision & { retry: false },
  fallback: Fallback = 'default',
  limit = 'retry-timeout'
): string {
  const asked = !decision.defaulted
    ? decision.askedMs < decision.waitMs
      ? `Retry-After asks for ${preciseSeconds(decision.askedMs)}, and the shortest wait is ${preciseSeconds(decision.waitMs)},`
      : `Retry-After asks for ${askedText(decision.askedMs)}`
    : fallback === 'default'
      ? `no readable Retry-After, so the wait would be the default ${preciseSeconds(decision.waitMs)},`
      : fallback === 'throttled'
        ? `no readable Retry-After, so the next back-off wait would be ${preciseSeconds(decision.waitMs)},`
        : `the next back-off wait would be ${preciseSeconds(decision.waitMs)},`
  return `${asked} but ${limit} leaves ${preciseSeconds(decision.leftMs, Math.floor)}`
}

/** "at least 999999999 s" for a value read as the longest Retry-After. */
function askedText(ms: number): string {
  return `${ms >= MaxRetryAfterMs ? 'at least ' : ''}${preciseSeconds(ms)}`
}

/** Seconds with a tenth where it matters, so "asks for 1 s but leaves 1 s" cannot happen. */
function preciseSeconds(ms: number, round: (x: number) => number = Math.ceil): string {
  return `${round(ms / 100) / 10} s`
}
