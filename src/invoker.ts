import type { Failure } from './failure.js'
import { describeTransportFailure, httpFailure } from './failure-message.js'
import type { HttpRequest, HttpResponse, Transport } from './http.js'
import { bytesReceived, discardBody, type ReceivedBody } from './response-body.js'
import { decideRetry, describeCap, describeGiveUp } from './retry-policy.js'

/** The outside world the invoker needs; tests pass fakes, so nothing really waits. */
export interface InvokerDeps {
  readonly transport: Pick<Transport, 'send'>
  /** Milliseconds since the epoch. */
  now(): number
  sleep(ms: number): Promise<void>
  /** Streams the final answer's body to where it is kept. */
  receive(response: HttpResponse): Promise<ReceivedBody>
  /** One line per attempt, for the log. */
  info(line: string): void
}

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
  /** Time spent waiting out 429s. */
  readonly waitedMs: number
  /** Wall time from the first request to the end of the body. */
  readonly elapsedMs: number
  /** Why the call failed; undefined on success. */
  readonly failure: Failure | undefined
}

/**
 * Sends the request, riding out HTTP 429 within `retryTimeoutMs` (0 = no limit) by waiting
 * Retry-After. Nothing else is retried: a POST that reached the server may not be repeatable.
 */
export async function invoke(
  request: HttpRequest,
  retryTimeoutMs: number,
  deps: InvokerDeps
): Promise<InvokeResult> {
  const startedAt = deps.now()
  let attempts = 0
  let waitedMs = 0
  const finish = (
    fields: Omit<InvokeResult, 'attempts' | 'waitedMs' | 'elapsedMs'>
  ): InvokeResult => ({
    ...fields,
    attempts,
    waitedMs,
    elapsedMs: deps.now() - startedAt
  })
  const label = `${request.method} ${request.url}`

  for (;;) {
    attempts++
    let response: HttpResponse
    try {
      response = await deps.transport.send(request)
    } catch (error) {
      deps.info(`${label} → no response (attempt ${attempts})`)
      return finish({
        status: undefined,
        headers: {},
        body: undefined,
        failure: {
          kind: 'transport',
          message: describeTransportFailure(request.method, request.url, error)
        }
      })
    }

    if (response.status === 429) {
      const decision = decideRetry(
        response.headers['retry-after'],
        startedAt,
        deps.now(),
        retryTimeoutMs
      )
      if (decision.retry) {
        const left =
          decision.leftMs === undefined
            ? 'no retry-timeout'
            : `${seconds(decision.leftMs - decision.waitMs)} left`
        deps.info(
          `${label} → 429, waiting ${seconds(decision.waitMs)} (attempt ${attempts + 1}, ${left}${describeCap(decision)})`
        )
        await discardBody(response.body)
        await deps.sleep(decision.waitMs)
        waitedMs += decision.waitMs
        continue
      }
      deps.info(`${label} → 429, giving up (attempt ${attempts})`)
      const received = await receiveSafely(response, deps)
      return finish({
        status: 429,
        headers: response.headers,
        body: received.body,
        failure: {
          kind: 'throttled',
          status: 429,
          message: `${request.method} ${request.url} failed: HTTP 429 Too Many Requests — ${describeGiveUp(decision)} (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`
        }
      })
    }

    deps.info(`${label} → ${response.status} (attempt ${attempts})`)
    const received = await receiveSafely(response, deps)
    if (received.error !== undefined) {
      return finish({
        status: response.status,
        headers: response.headers,
        body: undefined,
        failure: {
          kind: 'transport',
          status: response.status,
          message: `${describeTransportFailure(request.method, request.url, received.error)} (while reading the body of HTTP ${response.status}${progress(received.error, response.headers['content-length'])})`
        }
      })
    }
    const ok = response.status >= 200 && response.status < 300
    return finish({
      status: response.status,
      headers: response.headers,
      body: received.body,
      failure: ok
        ? undefined
        : httpFailure(
            request.method,
            request.url,
            response.status,
            received.body?.head.toString('utf8') ?? ''
          )
    })
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

/** Whole seconds, rounded up so "0 s" never hides a real wait. */
function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`
}
