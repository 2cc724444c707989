import { DefaultRetryAfterMs } from './constants.js'
import { parseRetryAfter } from './retry-after.js'

/** What to do after a throttled (429) answer. */
export type RetryDecision = {
  /** True when Retry-After was missing or unreadable and the 10 s default applies. */
  readonly defaulted: boolean
} & (
  | { readonly retry: true; readonly waitMs: number; readonly leftMs: number | undefined }
  | { readonly retry: false; readonly waitMs: number; readonly leftMs: number }
)

/**
 * Decides whether a 429 is retried: wait what Retry-After asks (10 s when it is missing or
 * unreadable), unless that wait would end past the retry-timeout deadline counted from the
 * first request; then give up at once instead of sleeping first. A budget of 0 means no limit.
 */
export function decideRetry(
  retryAfter: string | undefined,
  startedAtMs: number,
  nowMs: number,
  budgetMs: number
): RetryDecision {
  const stated = parseRetryAfter(retryAfter, nowMs)
  const waitMs = stated ?? DefaultRetryAfterMs
  const defaulted = stated === undefined
  if (budgetMs === 0) return { retry: true, waitMs, leftMs: undefined, defaulted }
  const leftMs = Math.max(0, startedAtMs + budgetMs - nowMs)
  return waitMs <= leftMs
    ? { retry: true, waitMs, leftMs, defaulted }
    : { retry: false, waitMs, leftMs, defaulted }
}
