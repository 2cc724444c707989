import type { Failure } from '../common/failure.js'
import type { HttpResponse, Transport } from '../transport/http.js'
import type { ReceivedBody } from '../transport/response-body.js'
import type { RetryOn } from '../transport/retry-classes.js'
import type { Throttling } from '../doctors/throttle-doctor.js'
import type { BodyDeadline } from './answer-body.js'

/** The outside world the invoker needs; tests pass fakes, so nothing really waits. */
export interface InvokerDeps {
  readonly transport: Pick<Transport, 'send'>
  /** Milliseconds since the epoch. */
  now(): number
  sleep(ms: number): Promise<void>
  /** [0, 1) like Math.random: the jitter of back-off waits. */
  random(): number
  /** Streams the final answer's body to where it is kept. */
  receive(response: HttpResponse): Promise<ReceivedBody>
  /** One line per attempt, for the log. */
  info(line: string): void
  /**
   * The bearer token for the next request, asked before every attempt so that a token about
   * to expire is renewed in time; without it the request's own headers are sent.
   */
  bearer?(): Promise<string>
  /**
   * Waits, before each attempt, for a pause the step shares with other calls (many calls in one
   * step: another call's 429). `untilMs` is when this call's retry budget ends (undefined: no
   * limit; before the first request, the whole budget from now). Resolves with the time waited,
   * or, without waiting, with the line that says why the pause would end past `untilMs`: then
   * the call gives up.
   */
  pace?(untilMs: number | undefined): Promise<{ waitedMs: number } | { reason: string }>
}

/** How one call is retried. */
export interface CallPolicy {
  /** Budget for all retries of the call, counted from its first request; 0 = no limit. */
  readonly retryTimeoutMs: number
  /** Failures retried besides 429. */
  readonly retryOn: RetryOn
  /** A later limit no wait may pass, and the input that sets it (the poll deadline). */
  readonly deadline?: BodyDeadline
}

/** The retry-on class of a failed answer: what a poll may count as "not yet". */
export type RetryClass = 'throttled' | 'unavailable' | 'network'

/** Everything known about a call when it ends, successful or not. */
export interface InvokeResult {
  /** Status of the final answer; undefined when none came. */
  readonly status: number | undefined
  /** Headers of the final answer (lower-case names). */
  readonly headers: Readonly<Record<string, string>>
  /** The final answer's body; undefined when none was received. */
  readonly body: ReceivedBody | undefined
  /** HTTP requests sent to the endpoint. */
  readonly attempts: number
  /** Time spent waiting between attempts. */
  readonly waitedMs: number
  /** Wall time from the first request to the end of the body. */
  readonly elapsedMs: number
  /** Why the call failed; undefined on success. */
  readonly failure: Failure | undefined
  /** The retry-on class of the failure, when it has one. */
  readonly retryClass?: RetryClass
  /** F&O's ActivityId from an error body. */
  readonly activityId?: string
  /** The 429s the call met, and the time it waited because of them. */
  readonly throttling?: Throttling
}
