/**
 * The step-wide circuit breaker of many calls: when the calls that ended last all failed for
 * throttling (each spent its whole retry-timeout on 429s), the service is not letting the step
 * through, and every call not yet started would only spend its retry-timeout the same way.
 */
export interface ThrottleBreaker {
  /** A call ended: `throttled` when it failed for throttling, false for any other ending. */
  ended(throttled: boolean): void
  /** Why a call not yet started is not sent; undefined while calls may start. */
  refusal(): string | undefined
}

/** The run of throttled failures that opens the breaker, in calls per `concurrency`. */
export const BreakAfterPerSlot = 2

/**
 * Opens once the last `2 × concurrency` calls that ended all failed for throttling; any other
 * ending (a success, another failure) closes it again, so a long batch that is only sometimes
 * throttled keeps running. Calls refused while it is open do not count: they measured nothing.
 */
export function createThrottleBreaker(concurrency: number): ThrottleBreaker {
  const threshold = BreakAfterPerSlot * Math.max(1, concurrency)
  let inRow = 0
  return {
    ended(throttled) {
      inRow = throttled ? inRow + 1 : 0
    },
    refusal: () =>
      inRow < threshold
        ? undefined
        : `the last ${inRow} calls that ended all failed for throttling (HTTP 429 past retry-timeout), so the calls not yet started are not sent`
  }
}
