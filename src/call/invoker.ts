import { oneLine } from '../common/errors.js'
import type { Failure } from '../common/failure.js'
import { describeTransportFailure, httpFailure } from '../common/failure-message.js'
import { parseFoError } from '../common/fo-error.js'
import { wholeSeconds } from '../common/timespan.js'
import type { HttpRequest, HttpResponse } from '../transport/http.js'
import { discardBody } from '../transport/response-body.js'
import { backoffMs, isNetworkFailure, isUnavailable } from '../transport/retry-classes.js'
import { decideRetry, describeCap, type RetryDecision } from '../transport/retry-policy.js'
import { GiveUpBodyMs, msUntil, receiveBy, receiveWithin } from './answer-body.js'
import {
  attemptsText,
  bodyFailure,
  droppedNote,
  gaveUp,
  givenUpFailure,
  notResent,
  reasonOf,
  resendNote,
  serverNote
} from './attempt-notes.js'
import { ThrottleCount } from './throttle-count.js'
import type { CallPolicy, InvokeResult, InvokerDeps, RetryClass } from './invoker-types.js'

export { DeadlineError } from './answer-body.js'
export type { CallPolicy, InvokeResult, InvokerDeps, RetryClass } from './invoker-types.js'

/**
 * Sends the request, riding out 429 (and what `retry-on` lists: 502/503/504, connection
 * failures) within the retry-timeout budget: Retry-After when the answer gives one, else
 * exponential back-off with full jitter. A failure after a POST may have reached the server is
 * re-sent only with `network` listed: the user said the operation is safe to repeat.
 */
export function invoke(
  request: HttpRequest,
  policy: CallPolicy,
  deps: InvokerDeps
): Promise<InvokeResult> {
  return new Invocation(request, policy, deps).run()
}

/** An attempt that ends the call, or 'again' after the wait before the next one. */
type AttemptEnd = InvokeResult | 'again'

/** The fields of a result that the invocation itself adds. */
type Outcome = Omit<InvokeResult, 'attempts' | 'waitedMs' | 'elapsedMs'>

/** One call's attempts: what they have cost so far, and each step of one attempt. */
class Invocation {
  private readonly startedAt: number
  /** The budget for waits in ms from the first request (0 = no limit), and the input that sets it. */
  private readonly limit: { readonly budgetMs: number; readonly input: string }
  private readonly label: string
  private attempts = 0
  private waitedMs = 0
  private retries = 0
  private readonly throttling = new ThrottleCount()

  constructor(
    private readonly request: HttpRequest,
    private readonly policy: CallPolicy,
    private readonly deps: InvokerDeps
  ) {
    this.startedAt = deps.now()
    this.limit = limitOf(policy, this.startedAt)
    this.label = `${request.method} ${request.url}`
  }

  async run(): Promise<InvokeResult> {
    for (;;) {
      const end = await this.attempt()
      if (end !== 'again') return end
    }
  }

  /** One request: its turn among the step's calls, its token, the send and the answer. */
  private async attempt(): Promise<AttemptEnd> {
    const paused = await this.waitForTurn()
    if (paused !== undefined) return paused
    const signed = await this.signed()
    if ('ended' in signed) return signed.ended
    this.attempts++
    let response: HttpResponse
    try {
      response = await this.deps.transport.send(signed.request)
    } catch (error) {
      return this.noResponse(error)
    }
    return this.answered(response)
  }

  /** Waits out the pause the step's calls share, or ends the call when it lasts past the budget. */
  private async waitForTurn(): Promise<InvokeResult | undefined> {
    if (!this.deps.pace) return undefined
    const { budgetMs, input } = this.limit
    // Before the first request the budget has not started: a pause it could never cover ends
    // the call now, one it can cover is waited out.
    const budgetEnd =
      budgetMs === 0
        ? undefined
        : (this.attempts === 0 ? this.deps.now() : this.startedAt) + budgetMs
    const paced = await this.deps.pace(budgetEnd)
    if ('reason' in paced) {
      this.deps.info(
        `${this.label} → paused with the step's other calls, giving up (attempt ${this.attempts})`
      )
      return this.unanswered(
        {
          kind: 'throttled',
          message: `${this.label} failed: HTTP 429 Too Many Requests — ${paced.reason}, past what ${input} leaves (${attemptsText(this.attempts)})`
        },
        'throttled'
      )
    }
    this.waitedMs += paced.waitedMs
    // The step's calls pause only for 429s, and keep to the pace the 429s taught.
    this.throttling.waited(paced.waitedMs)
    return undefined
  }

  /** The request with a fresh bearer token; a renewal that fails ends the call. */
  private async signed(): Promise<{ request: HttpRequest } | { ended: InvokeResult }> {
    if (!this.deps.bearer) return { request: this.request }
    try {
      return { request: withBearer(this.request, await this.deps.bearer()) }
    } catch (error) {
      // A renewal that fails is a failed sign-in, whatever the call had done so far.
      const message = oneLine(error) || 'sign-in failed'
      return { ended: this.unanswered({ kind: 'sign-in', message }) }
    }
  }

  /** No answer came: retried when retry-on lists network and the budget allows, else the end. */
  private async noResponse(error: unknown): Promise<AttemptEnd> {
    const { request } = this
    const network = isNetworkFailure(error)
    const failure = describeTransportFailure(request.method, request.url, error)
    if (network && this.policy.retryOn.network) {
      const decision = this.decide(undefined)
      if (decision.retry) {
        await this.wait(`no response (${reasonOf(error)})${resendNote(request, error)}`, decision)
        return 'again'
      }
      this.deps.info(`${this.label} → no response, giving up (attempt ${this.attempts})`)
      const why = gaveUp(decision, 'back-off', this.limit.input, this.attempts)
      return this.unanswered(
        { kind: 'transport', message: `${failure}${serverNote(request, error)} — ${why}` },
        'network'
      )
    }
    this.deps.info(`${this.label} → no response (attempt ${this.attempts})`)
    const message = network
      ? `${failure}${serverNote(request, error)}${notResent(request, error)}`
      : failure
    return this.unanswered({ kind: 'transport', message }, network ? 'network' : undefined)
  }

  /** An answer came: a 429 (or a retry-on 5xx) is retried within the budget; any other is final. */
  private async answered(response: HttpResponse): Promise<AttemptEnd> {
    const status = response.status
    const throttled = status === 429
    if (throttled) this.throttling.answered(response.headers['retry-after'], this.deps.now())
    if (throttled || (isUnavailable(status) && this.policy.retryOn.unavailable)) {
      // Without a readable Retry-After, a 429 backs off like the failures retry-on lists.
      const decision = this.decide(response.headers['retry-after'])
      if (!decision.retry) return this.giveUp(response, decision)
      await discardBody(response.body, throttled ? this.throttling.bodyReader() : undefined)
      await this.wait(String(status), decision)
      return 'again'
    }
    this.deps.info(`${this.label} → ${status} (attempt ${this.attempts})`)
    return this.final(response)
  }

  /** A 429 or 5xx past the budget: the call fails, with the answer's words if they come in time. */
  private async giveUp(
    response: HttpResponse,
    decision: RetryDecision & { retry: false }
  ): Promise<InvokeResult> {
    const deps = this.deps
    const status = response.status
    const throttled = status === 429
    deps.info(`${this.label} → ${status}, giving up (attempt ${this.attempts})`)
    const received = await receiveWithin(
      response,
      deps.receive,
      Math.min(GiveUpBodyMs, msUntil(this.policy.deadline, deps.now())),
      new Error('still arriving')
    )
    const head = received.body?.head.toString('utf8') ?? ''
    if (throttled) this.throttling.noteKind(head)
    const why =
      gaveUp(decision, throttled ? 'throttled' : 'back-off', this.limit.input, this.attempts) +
      (received.error === undefined ? '' : droppedNote())
    return this.finish({
      status,
      headers: response.headers,
      body: received.body,
      failure: givenUpFailure(this.request, status, head, why),
      retryClass: throttled ? 'throttled' : 'unavailable',
      activityId: parseFoError(head).activityId
    })
  }

  /** The final answer: its body received (by the deadline, if any), a 2xx a success. */
  private async final(response: HttpResponse): Promise<InvokeResult> {
    const { request, deps } = this
    const status = response.status
    const received = await receiveBy(response, deps.receive, this.policy.deadline, deps.now())
    if (received.error !== undefined) {
      return this.finish({
        status,
        headers: response.headers,
        body: undefined,
        failure: bodyFailure(request, response, received.error),
        retryClass: isNetworkFailure(received.error) ? 'network' : undefined
      })
    }
    if (status >= 200 && status < 300) {
      return this.finish({
        status,
        headers: response.headers,
        body: received.body,
        failure: undefined
      })
    }
    const head = received.body?.head.toString('utf8') ?? ''
    return this.finish({
      status,
      headers: response.headers,
      body: received.body,
      failure: httpFailure(request.method, request.url, status, head),
      retryClass: isUnavailable(status) ? 'unavailable' : undefined,
      activityId: parseFoError(head).activityId
    })
  }

  /** Whether to retry after this Retry-After (or, without one, the next back-off), and how long. */
  private decide(retryAfter: string | undefined): RetryDecision {
    const fallbackMs = backoffMs(this.retries + 1, this.deps.random)
    return decideRetry(retryAfter, this.startedAt, this.deps.now(), this.limit.budgetMs, fallbackMs)
  }

  /** Waits before the next attempt, saying why in the log. */
  private async wait(what: string, decision: RetryDecision & { retry: true }): Promise<void> {
    const left =
      decision.leftMs === undefined
        ? `no ${this.limit.input}`
        : `${wholeSeconds(decision.leftMs - decision.waitMs)} left`
    this.deps.info(
      `${this.label} → ${what}, waiting ${wholeSeconds(decision.waitMs)} (attempt ${this.attempts + 1}, ${left}${describeCap(decision)})`
    )
    await this.deps.sleep(decision.waitMs)
    this.waitedMs += decision.waitMs
    if (what === '429') this.throttling.waited(decision.waitMs)
    this.retries++
  }

  /** The end of a call that got no answer to show: no status, no headers, no body. */
  private unanswered(failure: Failure, retryClass?: RetryClass): InvokeResult {
    return this.finish({ status: undefined, headers: {}, body: undefined, failure, retryClass })
  }

  private finish(fields: Outcome): InvokeResult {
    return {
      ...fields,
      attempts: this.attempts,
      waitedMs: this.waitedMs,
      elapsedMs: this.deps.now() - this.startedAt,
      throttling: this.throttling.snapshot()
    }
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
