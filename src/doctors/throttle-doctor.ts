import { wholeSeconds } from '../common/timespan.js'
import { parseFoError } from '../common/fo-error.js'
import type { Credential } from '../inputs/settings.js'
import { readTokenClaims } from '../sign-in/token-claims.js'
import { headOf } from '../common/untrusted-text.js'

/**
 * F&O's two kinds of service protection: `resource` (on since 10.0.19: a 429 when the web
 * servers are busy) and the optional `user` limits (per user or app and web server: requests,
 * execution time and concurrent requests per 5-minute window).
 */
export type ThrottleKind = 'resource' | 'user'

/** What 429s did to a call, or to every call of a step added up. */
export interface Throttling {
  /** 429 answers received. */
  readonly answers: number
  /** Time spent waiting because of them (retry waits, and pauses they imposed on other calls). */
  readonly waitedMs: number
  /** The longest readable Retry-After, in ms; undefined when none was readable. */
  readonly longestRetryAfterMs: number | undefined
  /** The kinds F&O's messages named, in the order first seen. */
  readonly kinds: readonly ThrottleKind[]
}

export const NoThrottling: Throttling = Object.freeze({
  answers: 0,
  waitedMs: 0,
  longestRetryAfterMs: undefined,
  kinds: Object.freeze([])
})

/** Two tallies as one. */
export function addThrottling(a: Throttling, b: Throttling | undefined): Throttling {
  if (b === undefined || b.answers + b.waitedMs === 0) return a
  const longest = [a.longestRetryAfterMs, b.longestRetryAfterMs].filter(
    (ms): ms is number => ms !== undefined
  )
  return {
    answers: a.answers + b.answers,
    waitedMs: a.waitedMs + b.waitedMs,
    longestRetryAfterMs: longest.length > 0 ? Math.max(...longest) : undefined,
    kinds: [...new Set([...a.kinds, ...b.kinds])]
  }
}

/** A 429's body is read this far for its message; nothing of it is ever printed. */
export const ThrottleBodyChars = 4096

// F&O's words for each kind: "high resource utilization", and "Number of requests exceeded the
// limit of 6000 over time window of 300 seconds", "Combined execution time of incoming requests
// exceeded limit…", "Number of concurrent requests exceeded the limit of 52".
const ResourceWords = /resource utili[sz]ation|resource-based/
const UserWords =
  /number of (?:concurrent )?requests|execution time|concurrent requests|concurrency limit|user-based|time window/

/**
 * Which kind of protection a 429's body names: F&O's JSON Message, or the text itself, bounded
 * before any pattern runs on it. Undefined when it names neither.
 */
export function classifyThrottle(body: string): ThrottleKind | undefined {
  const text = headOf(body, ThrottleBodyChars)
  const message = (parseFoError(text).message ?? text).toLowerCase()
  if (ResourceWords.test(message)) return 'resource'
  if (UserWords.test(message)) return 'user'
  return undefined
}

/** Where F&O sets an app's throttling priority, as its menu names it. */
export const ThrottlingPriorityMenu = 'System administration › Setup › Throttling priority mapping'

/**
 * What to do about the kinds of throttling met, for the app that signed in (its client id, or
 * undefined when the token does not say).
 */
export function throttleRemedy(kinds: readonly ThrottleKind[], appId: string | undefined): string {
  const app = appId === undefined ? 'the app that signed in' : `app ${appId}`
  const resource =
    `raise the priority of ${app} under ${ThrottlingPriorityMenu}, ` +
    'or run the calls when the environment is less busy'
  const user =
    'spread the calls over time (a lower concurrency, throttle-seed) or over several app registrations, ' +
    `as the limits count per user or app${appId === undefined ? '' : ` (${app} signed in)`}`
  const parts = kinds.map(kind =>
    kind === 'resource'
      ? `F&O's message names high resource utilisation (resource-based service protection): ${resource}`
      : "F&O's message names a request, execution-time or concurrency limit (user-based service protection: " +
        `6,000 requests and 1,200 s of execution per 5 minutes, 52 concurrent requests, per user or app and web server): ${user}`
  )
  if (parts.length > 0) return parts.join('; and ')
  return (
    "F&O's message names neither resource utilisation nor a request, time or concurrency limit: " +
    `for resource-based protection, ${resource}; for user-based limits, ${user}`
  )
}

/**
 * The throttling doctor's line for the log and the job summary, e.g. `Throttled: 3 HTTP 429
 * answers, longest Retry-After 30 s, 42 s spent waiting — F&O's message names …`, with the
 * remedy for the app `credential` signed in as; undefined when no 429 came.
 */
export function describeThrottling(
  throttling: Throttling,
  credential: Credential
): string | undefined {
  if (throttling.answers === 0) return undefined
  const appId = signedInApp(credential)
  const longest =
    throttling.longestRetryAfterMs === undefined
      ? 'no readable Retry-After'
      : `longest Retry-After ${wholeSeconds(throttling.longestRetryAfterMs)}`
  return (
    `Throttled: ${throttling.answers} HTTP 429 ${throttling.answers === 1 ? 'answer' : 'answers'}, ${longest}, ` +
    `${throttledSeconds(throttling)} s spent waiting — ${throttleRemedy(throttling.kinds, appId)}`
  )
}

/** The `throttled-sec` output: whole seconds spent waiting on 429s. */
export function throttledSeconds(throttling: Throttling | undefined): number {
  return Math.round((throttling?.waitedMs ?? 0) / 1000)
}

/**
 * The app id that signed in, for the remedy: `client-id`, or with a given token its appid/azp
 * claim; undefined when neither reads as an id.
 */
export function signedInApp(credential: Credential): string | undefined {
  const id =
    credential.kind === 'token'
      ? readTokenClaims(credential.token)?.application
      : credential.app.clientId
  return id !== undefined && /^[A-Za-z0-9._-]{1,128}$/.test(id) ? id : undefined
}
