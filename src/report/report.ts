import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { MaxResponseOutputBytes } from '../common/constants.js'
import { oneLine } from '../common/errors.js'
import { errorLine, type Failure } from '../common/failure.js'
import { responseText, writeOutputs } from './outputs.js'
import { safeLine } from '../common/safe-line.js'
import { maskResponse, type ResponseMasks } from '../common/secrets.js'
import type { CallOutcome } from '../call/service-call.js'
import type { Settings } from '../inputs/settings.js'
import { bodyPreview, writeSummary } from './summary.js'
import { describeThrottling, throttledSeconds } from '../doctors/throttle-doctor.js'

/** How one run ended, success or not: everything `report` tells the runner. */
export interface Outcome {
  /** The inputs; undefined when they were not valid. */
  readonly settings?: Settings
  /** Where the call's body went (the `response-file` output); undefined when no call was made. */
  readonly responseFile?: string
  /** The call, its polls included; undefined when none was made (bad inputs, failed sign-in). */
  readonly call?: CallOutcome
  /** Why the run failed; undefined on success. */
  readonly failure?: Failure
}

/**
 * Tells the runner how the run went, once: masks the body if asked, logs a preview the runner
 * cannot mistake for commands, sets every output, writes the job summary, and fails the step or
 * warns. A bad input or a fault of the action always fails; a failed sign-in or call fails
 * unless enable-exception is false; outputs that cannot be written always fail the step.
 */
export async function report(outcome: Outcome): Promise<void> {
  const { settings, responseFile = '', call, failure } = outcome
  const head = call?.body?.head ?? Buffer.alloc(0)
  const bytes = call?.body?.bytes ?? 0
  const masked = settings?.maskResponse ?? false
  const response = responseText(head, bytes)
  if (masked) announce(maskResponse(response))
  const error = failure === undefined ? undefined : errorLine(failure, masked)

  const throttled =
    settings && call?.throttling && describeThrottling(call.throttling, settings.credential)

  if (bytes > 0 && !masked) logBody(head, bytes)
  // After the call's own lines and its body: what the 429s it met add up to.
  if (throttled) core.info(throttled)
  if (bytes > MaxResponseOutputBytes) {
    core.warning(
      safeLine(
        `The response is ${bytes} bytes, too large for the 'response' output (1 MiB at most): it is empty; read ${responseFile} instead.`
      )
    )
  }

  const outputsProblem = writeOutputs({
    status: call?.status,
    response,
    responseFile,
    headers: call?.headers ?? {},
    attempts: call?.attempts ?? 0,
    elapsedMs: call?.elapsedMs ?? 0,
    error,
    polls: call?.polls ?? 0,
    // The ActivityId is part of the body: mask-response keeps it in `response` only.
    activityId: masked ? undefined : call?.activityId,
    throttledSec: throttledSeconds(call?.throttling)
  })
  const summaryProblem = await writeSummary({
    serviceName: settings?.serviceName,
    call: settings && {
      method: settings.method,
      status: call?.status,
      attempts: call?.attempts ?? 0,
      elapsedMs: call?.elapsedMs ?? 0,
      waitedMs: call?.waitedMs ?? 0,
      polls: call?.polls ?? 0,
      pollWaitedMs: call?.pollWaitedMs ?? 0,
      responseBytes: bytes
    },
    bodyHead: masked ? undefined : head,
    error,
    throttling: throttled || undefined
  })
  // The outputs are written by now: a summary that cannot be written costs only the summary.
  if (summaryProblem !== undefined) core.warning(safeLine(summaryProblem))

  if (outputsProblem !== undefined) {
    core.setFailed(
      safeLine(
        error === undefined ? outputsProblem : `${outputsProblem}. The call failed too: ${error}`
      )
    )
  } else if (error !== undefined && failure !== undefined) {
    const fails =
      failure.kind === 'input' || failure.kind === 'internal' || (settings?.enableException ?? true)
    if (fails) core.setFailed(error)
    else core.warning(error)
  }
}

/**
 * The last resort for a fault while reporting: one error line, no stack trace. Outputs already
 * written stay as they are.
 */
export function reportCrash(error: unknown): void {
  core.setFailed(safeLine(`The action failed unexpectedly: ${oneLine(error) || 'unknown error'}`))
}

/**
 * The body may hold anything, `::error::` or `##[add-mask]` lines included. Between
 * `::stop-commands::<token>` and `::<token>::` the runner acts on no command, and the token is
 * random, so the body cannot end the pause early.
 */
function logBody(head: Buffer, bytes: number): void {
  const token = randomBytes(16).toString('hex')
  core.startGroup(`Response body (${bytes} bytes)`)
  core.info(`::stop-commands::${token}`)
  core.info(bodyPreview(head, bytes))
  core.info(`::${token}::`)
  core.endGroup()
}

function announce(masks: ResponseMasks): void {
  if (masks.skipped === 0) return
  core.warning(
    `mask-response: the response has ${masks.registered + masks.skipped} distinct lines; the first ${masks.registered} are masked. ` +
      'A later step that prints the response line by line may show the others.'
  )
}
