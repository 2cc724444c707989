/** How the number of calls in flight reacts to throttling (AIMD), and the clock it reads. */
export interface InFlightLimitOptions {
  /** The `concurrency` input: where it starts and the most it climbs back to. */
  readonly max: number
  /** Successes in a row (no 429 between) that add one call in flight; default IncreaseAfter. */
  readonly increaseAfter?: number
  /** Milliseconds since the epoch. */
  now(): number
  /** Called when the limit changes, for the log. */
  changed?(from: number, to: number, why: 'throttled' | 'recovered'): void
}

/** The number of calls in flight, which throttling lowers and a run of successes raises. */
export interface InFlightLimit {
  /** Calls that may be in flight now. */
  limit(): number
  /** A request sent at `sentAtMs` was answered 429. */
  throttled(sentAtMs: number): void
  /** A request was answered without 429. */
  succeeded(): void
}

/** A run of this many successes adds one call in flight. */
export const IncreaseAfter = 100

/**
 * Additive increase, multiplicative decrease: a second 429 without a success between halves the
 * limit (to 1 at least), and a run of successes adds one (up to `max`). A 429 for a request sent
 * before the last decrease, or in the same instant, belongs to the same burst and does not count
 * again, so one burst halves the limit once.
 */
export function createInFlightLimit(options: InFlightLimitOptions): InFlightLimit {
  const increaseAfter = options.increaseAfter ?? IncreaseAfter
  let limit = options.max
  let throttledInRow = 0
  let successesInRow = 0
  let decreasedAt = -Infinity
  const set = (to: number, why: 'throttled' | 'recovered'): void => {
    if (to === limit) return
    const from = limit
    limit = to
    options.changed?.(from, to, why)
  }
  return {
    limit: () => limit,
    throttled(sentAtMs) {
      successesInRow = 0
      if (sentAtMs <= decreasedAt) return
      throttledInRow++
      if (throttledInRow < 2) return
      throttledInRow = 0
      decreasedAt = options.now()
      set(Math.max(1, Math.floor(limit / 2)), 'throttled')
    },
    succeeded() {
      throttledInRow = 0
      successesInRow++
      if (successesInRow < increaseAfter) return
      successesInRow = 0
      set(Math.min(options.max, limit + 1), 'recovered')
    }
  }
}
