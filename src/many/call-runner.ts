import * as core from '@actions/core'
import { mkdir, mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Inputs, MaxResponseOutputBytes } from '../common/constants.js'
import { errorLine, type Failure } from '../common/failure.js'
import { safeLine } from '../common/safe-line.js'
import type { Transport } from '../transport/http.js'
import type { TokenSource } from '../sign-in/token-source.js'
import { addThrottling, NoThrottling, type Throttling } from '../doctors/throttle-doctor.js'
import type { PreparedCall } from '../call/call-plan.js'
import type { CallDoctors } from '../call/call-doctors.js'
import { invoke, type InvokeResult, type InvokerDeps } from '../call/invoker.js'
import { judgeAnswer, type CheckLog } from '../call/outcome-check.js'
import { createStepDoctors, withRefusalExplained } from '../call/service-call.js'
import type { ManyCalls, Settings } from '../inputs/settings.js'
import { createFilesBudget, receiveCallBody, type FilesBudget } from './call-body.js'
import type { FoldedLog } from './folded-log.js'
import { InlineResponseBytes, type CallResult } from './results-file.js'
import { createStepThrottling, type StepThrottling } from './step-throttling.js'
import { createThrottleBreaker, type ThrottleBreaker } from './throttle-breaker.js'

/** One call to run: ready to send, or why its line of calls-file cannot be one. */
export type Entry =
  PreparedCall | { readonly index: number; readonly line: number; readonly problem: string }

/** Runs one call at a time of many, sharing the throttle, the token and the connections. */
export class CallRunner {
  private readonly throttle: StepThrottling
  private readonly breaker: ThrottleBreaker
  /** The shared transport, every answer told to the throttle. */
  private readonly observed: Pick<Transport, 'send'>
  private readonly files: FilesBudget | undefined
  private readonly doctors: CallDoctors
  private responses: Promise<string> | undefined
  private running = 0
  private throttled: Throttling = NoThrottling

  constructor(
    private readonly settings: Settings,
    private readonly tokens: TokenSource,
    transport: Transport,
    many: ManyCalls,
    log: FoldedLog
  ) {
    const throttle = createStepThrottling(
      many.concurrency,
      {
        now: () => Date.now(),
        sleep: ms => sleep(ms),
        random: Math.random,
        info: line => log.info(safeLine(line))
      },
      { retryTimeoutMs: settings.retryTimeoutMs }
    )
    this.throttle = throttle
    this.breaker = createThrottleBreaker(many.concurrency)
    this.observed = {
      async send(request) {
        const sentAt = Date.now()
        const response = await transport.send(request)
        throttle.answered(sentAt, response.status, response.headers['retry-after'])
        return response
      }
    }
    this.files = createFilesBudget(settings.maxResponseBytes)
    // Doctor GETs go on the shared connections but around the throttle: they are never retried.
    this.doctors = createStepDoctors(settings, tokens, transport)
  }

  /** Calls that may be in flight now. */
  limit(): number {
    return this.throttle.limit()
  }

  /** Calls in flight now. */
  inFlight(): number {
    return this.running
  }

  /** The 429s the calls met so far, added up. */
  throttling(): Throttling {
    return this.throttled
  }

  /** Runs one call: held back, refused by check-contract, or sent and judged. */
  async call(entry: Entry): Promise<CallResult> {
    if ('problem' in entry) {
      return unsent(entry, `line ${entry.line} of ${Inputs.CallsFile}: ${entry.problem}`)
    }
    this.running++
    try {
      const held = await this.heldBack(entry)
      if (held !== undefined) return unsent(entry, held)
      const refused = await this.doctors.checkContract(entry)
      if (refused) return unsent(entry, errorLine(refused, this.settings.maskResponse))
      return await this.send(entry)
    } finally {
      this.running--
    }
  }

  /**
   * Why the call is not sent now: a pause longer than all of its retry-timeout, or the breaker
   * open. A call that has not started waits out a shorter pause without spending its budget.
   */
  private async heldBack(call: PreparedCall): Promise<string | undefined> {
    const retryTimeoutMs = this.settings.retryTimeoutMs
    const budgetEnd = retryTimeoutMs === 0 ? undefined : Date.now() + retryTimeoutMs
    const paused = await this.throttle.ready(budgetEnd)
    if (paused !== undefined) {
      return `${call.method} ${call.url} failed: HTTP 429 Too Many Requests — ${paused.reason}, past what ${Inputs.RetryTimeout} leaves (0 attempts)`
    }
    const refusal = this.breaker.refusal()
    return refusal === undefined ? undefined : `${call.method} ${call.url} was not sent: ${refusal}`
  }

  private async send(call: PreparedCall): Promise<CallResult> {
    const { settings } = this
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (call.contentType) headers['Content-Type'] = call.contentType
    // The sign-in doctor reads the token a 401 or 403 refused, as for a single call.
    const sent = { token: '' }
    const result = await invoke(
      { method: call.method, url: call.url, headers, body: call.body },
      { retryTimeoutMs: settings.retryTimeoutMs, retryOn: settings.retryOn },
      this.invokerDeps(call, sent)
    )
    this.throttled = addThrottling(this.throttled, result.throttling)
    const failure = await this.failureOf(call, result, sent.token)
    this.breaker.ended(failure?.kind === 'throttled')
    return resultOf(call, result, failure, settings.maskResponse)
  }

  /** What the invoker uses for one call: the shared clock, throttle and token; its own body file. */
  private invokerDeps(call: PreparedCall, sent: { token: string }): InvokerDeps {
    const { settings } = this
    let bodyFile: string | undefined
    return {
      transport: this.observed,
      now: () => Date.now(),
      sleep: ms => sleep(ms),
      random: Math.random,
      // One line per finished call is the log; each attempt is there for debugging.
      info: line => core.debug(safeLine(line)),
      bearer: async () => (sent.token = await this.tokens.current()),
      pace: untilMs => this.throttle.turn(untilMs),
      receive: async response => {
        bodyFile ??= path.join(await this.responsesFolder(), `${call.index}.json`)
        return receiveCallBody(response.body, bodyFile, {
          inlineBytes: InlineResponseBytes,
          // The checks read up to 1 MiB, as for a single call.
          keepBytes: MaxResponseOutputBytes + 1,
          stallMs: settings.timeoutMs,
          maxBytes: settings.maxResponseBytes,
          files: this.files
        })
      }
    }
  }

  /** The call's checks judged, and what the doctors add to a failure. */
  private async failureOf(
    call: PreparedCall,
    result: InvokeResult,
    token: string
  ): Promise<Failure | undefined> {
    const { settings } = this
    const verdict = await judgeAnswer(
      result,
      {
        label: `${call.method} ${call.url}`,
        successWhen: call.successWhen,
        failWhen: call.failWhen,
        until: undefined,
        maskResponse: settings.maskResponse,
        retryOn: settings.retryOn
      },
      CheckLines
    )
    const judged = { ...result, failure: verdict.state === 'failed' ? verdict.failure : undefined }
    const explained = await this.doctors.explain(
      withRefusalExplained(judged, settings, token),
      call
    )
    return explained.failure
  }

  /** The folder of the bodies too large for the results file, made when the first one comes. */
  private responsesFolder(): Promise<string> {
    const folder = process.env['RUNNER_TEMP'] || os.tmpdir()
    this.responses ??= mkdir(folder, { recursive: true }).then(() =>
      mkdtemp(path.join(folder, 'd365fo-responses-'))
    )
    return this.responses
  }
}

/** One line per finished call is the log; what each check read is there for debugging. */
const CheckLines: CheckLog = { info: checkLine, warning: checkLine }

function checkLine(line: string): void {
  core.debug(safeLine(line))
}

/** The result of a call that was sent: its body inline when it is small, else its file. */
function resultOf(
  call: PreparedCall,
  result: InvokeResult,
  failure: Failure | undefined,
  maskResponse: boolean
): CallResult {
  const body = result.body
  const inline = body !== undefined && body.file === '' && body.bytes <= InlineResponseBytes
  return {
    name: call.name,
    index: call.index,
    line: call.line,
    serviceName: call.serviceName,
    status: result.status,
    attempts: result.attempts,
    elapsedMs: result.elapsedMs,
    // The ActivityId is part of the body: mask-response keeps it in the results file only.
    activityId: result.activityId,
    error: failure === undefined ? undefined : errorLine(failure, maskResponse),
    responseJson: inline ? bodyJson(body.head) : undefined,
    responseFile: body !== undefined && !inline ? body.file || undefined : undefined
  }
}

/** The result of a call that sent no request: its line of calls-file is bad, or it was held back. */
function unsent(entry: Entry, error: string): CallResult {
  const file = 'problem' in entry
  return {
    name: file ? `line ${entry.line}` : entry.name,
    index: entry.index,
    line: entry.line,
    serviceName: file ? undefined : entry.serviceName,
    status: undefined,
    attempts: 0,
    elapsedMs: 0,
    activityId: undefined,
    error: safeLine(error),
    responseJson: undefined,
    responseFile: undefined
  }
}

/**
 * A body as the results file holds it: its own JSON text when it is JSON (checked by JSON.parse,
 * which does not recurse), or its text as a JSON string when it is not.
 */
function bodyJson(head: Buffer): string | undefined {
  if (head.length === 0) return undefined
  const text = head.toString('utf8').replace(/^\uFEFF/, '')
  try {
    JSON.parse(text)
    return text
  } catch {
    return JSON.stringify(text)
  }
}
