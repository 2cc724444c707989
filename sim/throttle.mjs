// @ts-check
/**
 * The simulator's throttling mode: a token bucket that admits `rate` F&O requests per second
 * (bursts up to `burst`) and answers the rest 429 with a Retry-After saying when the next
 * request will be admitted, as a service protected by a rate limit does.
 * @module
 */

/** @typedef {import('./index.mjs').ThrottleSettings} ThrottleSettings */

/**
 * The Message of a 429 by the kind of F&O's service protection: resource-based (on since
 * 10.0.19, when the web servers are busy) and the user-based limits (per user or app and web
 * server, per 5-minute window); undefined is the simulator's plain rate limit.
 * @type {Readonly<Record<'resource' | 'user' | 'plain', string>>}
 */
export const ThrottleMessages = Object.freeze({
  resource:
    'The request was throttled due to high resource utilization on the server. Retry after the time the Retry-After header gives.',
  user: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
  plain: 'Too many requests. Retry after the time the Retry-After header gives.'
})

/**
 * @typedef {object} TokenBucket
 * @property {(nowMs: number) => { admitted: true } | { admitted: false, retryAfterSeconds: number }} take
 *   admits a request (taking a token) or says how many whole seconds until one is admitted (at least 1)
 */

/**
 * A full bucket of `burst` tokens, refilled at `rate` per second.
 * @param {ThrottleSettings} settings
 * @param {number} startMs
 * @returns {TokenBucket}
 */
export function createTokenBucket(settings, startMs) {
  const { rate } = settings
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new Error(`throttle rate must be > 0, got ${rate}`)
  const burst = Math.max(1, settings.burst ?? rate)
  let tokens = burst
  let at = startMs
  return {
    take(nowMs) {
      tokens = Math.min(burst, tokens + (Math.max(0, nowMs - at) / 1000) * rate)
      at = Math.max(at, nowMs)
      if (tokens >= 1) {
        tokens -= 1
        return { admitted: true }
      }
      // Retry-After holds whole seconds; rounding up never invites a request that is refused.
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rate)) }
    }
  }
}
