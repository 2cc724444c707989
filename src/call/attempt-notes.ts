import { oneLine } from '../common/errors.js'
import { withSuffix, type Failure } from '../common/failure.js'
import { describeTransportFailure, httpFailure } from '../common/failure-message.js'
import { scrubAndCut } from '../common/secrets.js'
import { TimeoutError, type HttpRequest, type HttpResponse } from '../transport/http.js'
import { bodyProgress, GiveUpBodyMs } from './answer-body.js'
import { mayHaveReachedServer } from '../transport/retry-classes.js'
import { describeGiveUp, type Fallback, type RetryDecision } from '../transport/retry-policy.js'

/** "1 attempt", "3 attempts". */
export function attemptsText(attempts: number): string {
  return `${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`
}

/** The error's code, or its message, for a log line. */
export function reasonOf(error: unknown): string {
  if (error instanceof TimeoutError) return 'timeout-sec'
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : scrubAndCut(oneLine(error), 80)
}

/** Why a POST that may have run is sent again: said in the log, never silently. */
export function resendNote(request: HttpRequest, error: unknown): string {
  return request.method === 'POST' && mayHaveReachedServer(error)
    ? '; it may have reached the server, sent again as retry-on lists network'
    : ''
}

/** What a failed POST may have done on the server. */
export function serverNote(request: HttpRequest, error: unknown): string {
  if (request.method !== 'POST' || !mayHaveReachedServer(error)) return ''
  return error instanceof TimeoutError
    ? ' — the operation may still be running on the server'
    : ' — the request may have reached the server'
}

/** Why a connection failure was not retried. */
export function notResent(request: HttpRequest, error: unknown): string {
  return request.method === 'POST' && mayHaveReachedServer(error)
    ? ', so it was not sent again (retry-on: network re-sends it when the operation is safe to repeat)'
    : ''
}

/** Why the retries stopped: the next wait would pass the limit. */
export function gaveUp(
  decision: RetryDecision & { retry: false },
  fallback: Fallback,
  input: string,
  attempts: number
): string {
  return `${describeGiveUp(decision, fallback, input)} (${attemptsText(attempts)})`
}

/** What a give-up line adds when the answer's body did not come in time. */
export function droppedNote(): string {
  return ` (its body was dropped: still arriving after ${GiveUpBodyMs / 1000} s)`
}

/** The failure of a 429 or retry-on 5xx past the budget: `why` says what ran out. */
export function givenUpFailure(
  request: HttpRequest,
  status: number,
  head: string,
  why: string
): Failure {
  if (status !== 429) {
    return withSuffix(httpFailure(request.method, request.url, status, head), ` — ${why}`)
  }
  return {
    kind: 'throttled',
    status,
    message: `${request.method} ${request.url} failed: HTTP 429 Too Many Requests — ${why}`
  }
}

/** The failure of an answer whose body broke off (or ran past the poll deadline). */
export function bodyFailure(request: HttpRequest, response: HttpResponse, error: unknown): Failure {
  const status = response.status
  const reading = `while reading the body of HTTP ${status}${bodyProgress(error, response.headers['content-length'])}`
  return {
    kind: 'transport',
    status,
    message: `${describeTransportFailure(request.method, request.url, error)} (${reading})`
  }
}
