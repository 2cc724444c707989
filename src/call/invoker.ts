import { oneLine } from '../common/errors.js'
import { wholeSeconds } from '../common/timespan.js'
import { withSuffix, type Failure } from '../common/failure.js'
import { describeTransportFailure, httpFailure } from '../common/failure-message.js'
import { parseFoError } from '../common/fo-error.js'
import {
  TimeoutError,
  type HttpRequest,
  type HttpResponse,
  type Transport
} from '../transport/http.js'
import { bytesReceived, discardBody, type ReceivedBody } from '../transport/response-body.js'
import { scrubAndCut } from '../common/secrets.js'
import {
  backoffMs,
  isNetworkFailure,
  isUnavailable,
  mayHaveReachedServer,
  type RetryOn
} from '../transport/retry-classes.js'
import { parseRetryAfter } from '../transport/retry-after.js'
import {
  decideRetry,
  describeCap,
  describeGiveUp,
  type Fallback,
  type RetryDecision
} from '../transport/retry-policy.js'
import {
  classifyThrottle,
  ThrottleBodyChars,
  type ThrottleKind,
  type Throttling
} from '../doctors/throttle-doctor.js'

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
  readonly deadline?: { readonly atMs: number; readonly input: string }
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

/**
 * Sends the request, riding out 429 (and what `retry-on` lists: 502/503/504, connection
 * failures) within the retry-timeout budget: Retry-After when the answer gives one, else
 * exponential back-off with full jitter. A failure after a POST may have reached the server is
 * re-sent only with `network` listed: the user said the operation is safe to repeat.
 */
export async function invoke(
  request: HttpRequest,
  policy: CallPolicy,
  deps: InvokerDeps
): Promise<InvokeResult> {
  const startedAt = deps.now()
  const limit = limitOf(policy, startedAt)
  let attempts = 0
  let waitedMs = 0
  let retries = 0
  // What 429s cost: counted as they come, their kinds read from bodies drained in the background.
  let throttledAnswers = 0
  let throttledMs = 0
  let longestRetryAfterMs: number | undefined
  const kinds = new Set<ThrottleKind>()
  const noteKind = (body: string): void => {
    const kind = classifyThrottle(body)
    if (kind) kinds.add(kind)
  }
  const finish = (
    fields: Omit<InvokeResult, 'attempts' | 'waitedMs' | 'elapsedMs'>
  ): InvokeResult => ({
    ...fields,
    attempts,
    waitedMs,
    elapsedMs: deps.now() - startedAt,
    throttling: {
      answers: throttledAnswers,
      waitedMs: throttledMs,
      longestRetryAfterMs,
      kinds: [...kinds]
    }
  })
  const label = `${request.method} ${request.url}`
  const decide = (retryAfter: string | undefined, fallbackMs: number): RetryDecision =>
    decideRetry(retryAfter, startedAt, deps.now(), limit.budgetMs, fallbackMs)
  const wait = async (what: string, decision: RetryDecision & { retry: true }): Promise<void> => {
    const left =
      decision.leftMs === undefined
        ? `no ${limit.input}`
        : `${wholeSeconds(decision.leftMs - decision.waitMs)} left`
    deps.info(
      `${label} → ${what}, waiting ${wholeSeconds(decision.waitMs)} (attempt ${attempts + 1}, ${left}${describeCap(decision)})`
    )
    await deps.sleep(decision.waitMs)
    waitedMs += decision.waitMs
    if (what === '429') throttledMs += decision.waitMs
    retries++
  }

  for (;;) {
    if (deps.pace) {
      // Before the first request the budget has not started: a pause it could never cover ends
      // the call now, one it can cover is waited out.
      const budgetEnd =
        limit.budgetMs === 0
          ? undefined
          : (attempts === 0 ? deps.now() : startedAt) + limit.budgetMs
      const paced = await deps.pace(budgetEnd)
      if ('reason' in paced) {
        deps.info(`${label} → paused with the step's other calls, giving up (attempt ${attempts})`)
        return finish({
          status: undefined,
          headers: {},
          body: undefined,
          failure: {
            kind: 'throttled',
            message:
              `${request.method} ${request.url} failed: HTTP 429 Too Many Requests — ${paced.reason}, ` +
              `past what ${limit.input} leaves (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`
          },
          retryClass: 'throttled'
        })
      }
      waitedMs += paced.waitedMs
      // The step's calls pause only for 429s, and keep to the pace the 429s taught.
      throttledMs += paced.waitedMs
    }
    let sendable = request
    if (deps.bearer) {
      try {
        sendable = withBearer(request, await deps.bearer())
      } catch (error) {
        // A renewal that fails is a failed sign-in, whatever the call had done so far.
        return finish({
          status: undefined,
          headers: {},
          body: undefined,
          failure: { kind: 'sign-in', message: oneLine(error) || 'sign-in failed' }
        })
      }
    }
    attempts++
    let response: HttpResponse
    try {
      response = await deps.transport.send(sendable)
    } catch (error) {
      const network = isNetworkFailure(error)
      const failure = describeTransportFailure(request.method, request.url, error)
      if (network && policy.retryOn.network) {
        const decision = decide(undefined, backoffMs(retries + 1, deps.random))
        if (decision.retry) {
          await wait(`no response (${reasonOf(error)})${resendNote(request, error)}`, decision)
          continue
        }
        deps.info(`${label} → no response, giving up (attempt ${attempts})`)
        return finish({
          status: undefined,
          headers: {},
          body: undefined,
          failure: {
            kind: 'transport',
            message: `${failure}${serverNote(request, error)} — ${gaveUp(decision, 'back-off', limit.input, attempts)}`
          },
          retryClass: 'network'
        })
      }
      deps.info(`${label} → no response (attempt ${attempts})`)
      return finish({
        status: undefined,
        headers: {},
        body: undefined,
        failure: {
          kind: 'transport',
          message: network
            ? `${failure}${serverNote(request, error)}${notResent(request, error)}`
            : failure
        },
        retryClass: network ? 'network' : undefined
      })
    }

    const status = response.status
    const throttled = status === 429
    if (throttled) {
      throttledAnswers++
      const asked = parseRetryAfter(response.headers['retry-after'], deps.now())
      if (asked !== undefined) longestRetryAfterMs = Math.max(longestRetryAfterMs ?? 0, asked)
    }
    if (throttled || (isUnavailable(status) && policy.retryOn.unavailable)) {
      // Without a readable Retry-After, a 429 backs off like the failures retry-on lists.
      const decision = decide(response.headers['retry-after'], backoffMs(retries + 1, deps.random))
      if (decision.retry) {
        await discardBody(
          response.body,
          throttled
            ? { bytes: ThrottleBodyChars, read: head => noteKind(head.toString('utf8')) }
            : undefined
        )
        await wait(String(status), decision)
        continue
      }
      deps.info(`${label} → ${status}, giving up (attempt ${attempts})`)
      const received = await receiveWithin(
        response,
        deps,
        Math.min(GiveUpBodyMs, msUntil(policy.deadline, deps)),
        new Error('still arriving')
      )
      const head = received.body?.head.toString('utf8') ?? ''
      if (throttled) noteKind(head)
      const why =
        gaveUp(decision, throttled ? 'throttled' : 'back-off', limit.input, attempts) +
        (received.error === undefined
          ? ''
          : ` (its body was dropped: still arriving after ${GiveUpBodyMs / 1000} s)`)
      return finish({
        status,
        headers: response.headers,
        body: received.body,
        failure: throttled
          ? {
              kind: 'throttled',
              status,
              message: `${request.method} ${request.url} failed: HTTP 429 Too Many Requests — ${why}`
            }
          : withSuffix(httpFailure(request.method, request.url, status, head), ` — ${why}`),
        retryClass: throttled ? 'throttled' : 'unavailable',
        activityId: parseFoError(head).activityId
      })
    }

    deps.info(`${label} → ${status} (attempt ${attempts})`)
    const received = await receiveBy(response, deps, policy.deadline)
    if (received.error !== undefined) {
      return finish({
        status,
        headers: response.headers,
        body: undefined,
        failure: {
          kind: 'transport',
          status,
          message: `${describeTransportFailure(request.method, request.url, received.error)} (while reading the body of HTTP ${status}${progress(received.error, response.headers['content-length'])})`
        },
        retryClass: isNetworkFailure(received.error) ? 'network' : undefined
      })
    }
    if (status >= 200 && status < 300) {
      return finish({ status, headers: response.headers, body: received.body, failure: undefined })
    }
    const head = received.body?.head.toString('utf8') ?? ''
    return finish({
      status,
      headers: response.headers,
      body: received.body,
      failure: httpFailure(request.method, request.url, status, head),
      retryClass: isUnavailable(status) ? 'unavailable' : undefined,
      activityId: parseFoError(head).activityId
    })
  }
}

/** The budget for waits in ms from the first request (0 = no limit), and the input that sets it. */
function limitOf(policy: CallPolicy, startedAt: number): { budgetMs: number; input: string } {
  const retryEnd = policy.retryTimeoutMs === 0 ? Infinity : startedAt + policy.retryTimeoutMs
  const deadline = policy.deadline
  if (deadline === undefined || deadline.atMs >= retryEnd) {
    return { budgetMs: policy.retryTimeoutMs, input: 'retry-timeout' }
  }
  // At least 1 ms: a budget of 0 would mean no limit.
  return { budgetMs: Math.max(1, deadline.atMs - startedAt), input: deadline.input }
}

function withBearer(request: HttpRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } }
}

/** The error's code, or its message, for a log line. */
function reasonOf(error: unknown): string {
  if (error instanceof TimeoutError) return 'timeout-sec'
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : scrubAndCut(oneLine(error), 80)
}

/** Why a POST that may have run is sent again: said in the log, never silently. */
function resendNote(request: HttpRequest, error: unknown): string {
  return request.method === 'POST' && mayHaveReachedServer(error)
    ? '; it may have reached the server, sent again as retry-on lists network'
    : ''
}

/** What a failed POST may have done on the server. */
function serverNote(request: HttpRequest, error: unknown): string {
  if (request.method !== 'POST' || !mayHaveReachedServer(error)) return ''
  return error instanceof TimeoutError
    ? ' — the operation may still be running on the server'
    : ' — the request may have reached the server'
}

/** Why a connection failure was not retried. */
function notResent(request: HttpRequest, error: unknown): string {
  return request.method === 'POST' && mayHaveReachedServer(error)
    ? ', so it was not sent again (retry-on: network re-sends it when the operation is safe to repeat)'
    : ''
}

/** Why the retries stopped: the next wait would pass the limit. */
function gaveUp(
  decision: RetryDecision & { retry: false },
  fallback: Fallback,
  input: string,
  attempts: number
): string {
  return `${describeGiveUp(decision, fallback, input)} (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`
}

/**
 * How long the body of an answer that is given up on (a 429 or 5xx past the budget) may take:
 * its words only explain the failure, so a body that drips cannot hold the step past retry-timeout.
 */
const GiveUpBodyMs = 5_000

/** Raised when a body is still arriving as a later limit (the poll deadline) ends. */
export class DeadlineError extends Error {
  constructor(input: string) {
    super(`${input} ended while the body was still arriving`)
    this.name = 'DeadlineError'
  }
}

/** Time left until `deadline` (Infinity without one), never below 0. */
function msUntil(deadline: CallPolicy['deadline'], deps: InvokerDeps): number {
  return deadline === undefined ? Infinity : Math.max(0, deadline.atMs - deps.now())
}

/**
 * receiveSafely, ending the body at `deadline` when there is one: a body whose bytes keep
 * coming (a byte a second never stalls) cannot hold a poll past poll-timeout.
 */
function receiveBy(
  response: HttpResponse,
  deps: InvokerDeps,
  deadline: CallPolicy['deadline']
): Promise<{ body: ReceivedBody | undefined; error?: unknown }> {
  if (deadline === undefined) return receiveSafely(response, deps)
  return receiveWithin(response, deps, msUntil(deadline, deps), new DeadlineError(deadline.input))
}

/** receiveSafely, ending the body with `error` once `ms` have passed. */
async function receiveWithin(
  response: HttpResponse,
  deps: InvokerDeps,
  ms: number,
  error: Error
): Promise<{ body: ReceivedBody | undefined; error?: unknown }> {
  const timer = setTimeout(() => response.body.destroy(error), ms)
  timer.unref()
  try {
    return await receiveSafely(response, deps)
  } finally {
    clearTimeout(timer)
  }
}

async function receiveSafely(
  response: HttpResponse,
  deps: InvokerDeps
): Promise<{ body: ReceivedBody | undefined; error?: unknown }> {
  try {
    return { body: await deps.receive(response) }
  } catch (error) {
    return { body: undefined, error }
  }
}

/** ", after 1000 of 5000 bytes" when the body's progress is known. */
function progress(error: unknown, contentLength: string | undefined): string {
  const bytes = bytesReceived(error)
  if (bytes === undefined) return ''
  return contentLength && /^\d+$/.test(contentLength)
    ? `, after ${bytes} of ${contentLength} bytes`
    : `, after ${bytes} bytes`
}
