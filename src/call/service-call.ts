import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { mkdir, open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Inputs, MaxResponseOutputBytes } from '../common/constants.js'
import { withoutQuery } from '../common/endpoint-url.js'
import type { ConnectionPool } from '../transport/connection-pool.js'
import { createTransport, type HttpRequest, type Transport } from '../transport/http.js'
import { invoke, type CallPolicy, type InvokeResult, type InvokerDeps } from './invoker.js'
import { judgeAnswer, type CheckLog, type OutcomeChecks, type Verdict } from './outcome-check.js'
import { poll } from './poll.js'
import { receiveBody } from '../transport/response-body.js'
import { openResponseFile, type ResponseFile } from '../transport/response-file.js'
import { safeLine } from '../common/safe-line.js'
import type { Settings } from '../inputs/settings.js'
import type { TokenSource } from '../sign-in/token-source.js'
import { explainRefusal } from '../doctors/sign-in-doctor.js'
import { createCallDoctors, type CallDoctors, type DoctorCall } from './call-doctors.js'
import { createCatalogue } from '../doctors/fo-catalogue.js'
import { withSuffix } from '../common/failure.js'

/**
 * Opens where the body goes, before any request: the `response-file` input (checked, an
 * InputError when it cannot be used), or a fresh file under RUNNER_TEMP.
 */
export async function prepareResponseFile(
  settings: Settings,
  env = process.env
): Promise<ResponseFile> {
  if (settings.responseFile) return openResponseFile(settings.responseFile, env)
  const folder = env['RUNNER_TEMP'] || os.tmpdir()
  await mkdir(folder, { recursive: true })
  const file = path.join(folder, `d365fo-response-${randomUUID()}.json`)
  return { path: file, handle: await open(file, 'wx') }
}

/** How the call ended: the final answer, whether it passed its checks, and the poll rounds. */
export interface CallOutcome extends InvokeResult {
  /** Poll rounds run (0 without `until`). */
  readonly polls: number
  /** Time spent between poll rounds (poll-interval), apart from the retries' waits. */
  readonly pollWaitedMs: number
}

/**
 * The keep-alive transport the call sends on (redirects followed for GET only), on `pool` when
 * a connection to F&O was opened early.
 */
export function createServiceTransport(settings: Settings, pool?: ConnectionPool): Transport {
  return createTransport({
    timeoutMs: settings.timeoutMs,
    followRedirects: settings.method === 'GET',
    pool
  })
}

/**
 * Calls the endpoint (with retries, and repeated until `until` holds when polling), with a
 * token that is renewed before it expires, and judges the final answer against the outcome
 * checks. Every request goes on `transport` (its connection perhaps already open), so retries
 * and poll rounds reuse one connection; the body (of the last answer) lands in `file`. Both are
 * closed when the call ends.
 */
export async function callService(
  settings: Settings,
  tokens: TokenSource,
  file: ResponseFile,
  transport: Transport = createServiceTransport(settings)
): Promise<CallOutcome> {
  // The doctor reads the token a 401 or 403 refused: the last one sent, renewals included.
  const sent = { token: '' }
  const deps = invokerDeps(settings, tokens, transport, file, sent)
  const request = serviceRequest(settings)
  const once = (deadlineMs: number | undefined): Promise<InvokeResult> =>
    invoke(request, callPolicy(settings, deadlineMs), deps)
  const label = `${settings.method} ${withoutQuery(settings.serviceUrl)}`
  const checks = outcomeChecks(settings, label)
  const doctors = createStepDoctors(settings, tokens, transport)
  const doctorCall = doctorCallOf(settings)
  const explained = (outcome: CallOutcome): Promise<CallOutcome> =>
    doctors.explain(withRefusalExplained(outcome, settings, sent.token), doctorCall)
  try {
    const refused = await doctors.checkContract(doctorCall)
    if (refused) return { ...NotSent, failure: refused }
    if (settings.poll) {
      const judge = (result: InvokeResult): Promise<Verdict> =>
        judgeAnswer(result, checks, CheckLines)
      const polled = await poll(settings.poll, label, once, judge, deps)
      const { result, failure, polls, pollWaitedMs } = polled
      return await explained({ ...result, failure, polls, pollWaitedMs })
    }
    const result = await once(undefined)
    const verdict = await judgeAnswer(result, checks, CheckLines)
    const failure = verdict.state === 'failed' ? verdict.failure : undefined
    return await explained({ ...result, failure, polls: 0, pollWaitedMs: 0 })
  } finally {
    transport.close()
    await file.handle.close()
  }
}

/** The request of the call: the payload, if any, as settings give it; JSON asked for. */
function serviceRequest(settings: Settings): HttpRequest {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (settings.contentType) headers['Content-Type'] = settings.contentType
  return { method: settings.method, url: settings.serviceUrl, headers, body: settings.body }
}

/** What the invoker uses for the call: real clock and sleep, the step's token, `file` for the body. */
function invokerDeps(
  settings: Settings,
  tokens: TokenSource,
  transport: Transport,
  file: ResponseFile,
  sent: { token: string }
): InvokerDeps {
  return {
    transport,
    now: () => Date.now(),
    sleep: ms => sleep(ms),
    random: Math.random,
    // Poll lines quote the answer: untrusted text, made inert like every line that does.
    info: line => core.info(safeLine(line)),
    bearer: async () => (sent.token = await tokens.current()),
    // One byte past the output cap tells "too large" from "exactly 1 MiB".
    receive: response =>
      receiveBody(response.body, file, {
        keepBytes: MaxResponseOutputBytes + 1,
        stallMs: settings.timeoutMs,
        maxBytes: settings.maxResponseBytes
      })
  }
}

/** The retry policy of one invocation; a poll round ends at the poll deadline. */
function callPolicy(settings: Settings, deadlineMs: number | undefined): CallPolicy {
  return {
    retryTimeoutMs: settings.retryTimeoutMs,
    retryOn: settings.retryOn,
    deadline: deadlineMs === undefined ? undefined : { atMs: deadlineMs, input: Inputs.PollTimeout }
  }
}

function outcomeChecks(settings: Settings, label: string): OutcomeChecks {
  return {
    label,
    successWhen: settings.successWhen,
    failWhen: settings.failWhen,
    until: settings.poll?.until,
    maskResponse: settings.maskResponse,
    retryOn: settings.retryOn
  }
}

/** One line per check with the fields it read: answer text, made inert like every such line. */
const CheckLines: CheckLog = {
  info: line => core.info(safeLine(line)),
  warning: line => core.warning(safeLine(line))
}

function doctorCallOf(settings: Settings): DoctorCall {
  return {
    method: settings.method,
    url: settings.serviceUrl,
    serviceName: settings.serviceName,
    payload: settings.payload,
    polling: settings.poll !== undefined
  }
}

/** A call check-contract stopped before its request. */
const NotSent: CallOutcome = {
  status: undefined,
  headers: {},
  body: undefined,
  attempts: 0,
  waitedMs: 0,
  elapsedMs: 0,
  failure: undefined,
  polls: 0,
  pollWaitedMs: 0
}

/**
 * The doctors of one step: F&O's catalogue read on `transport` with the step's token and limits,
 * warnings made inert for the log.
 */
export function createStepDoctors(
  settings: Settings,
  tokens: TokenSource,
  transport: Pick<Transport, 'send'>
): CallDoctors {
  return createCallDoctors({
    catalogue: createCatalogue({
      transport,
      bearer: () => tokens.current(),
      systemUrl: settings.expectedToken.systemUrl,
      stallMs: settings.timeoutMs,
      maxResponseBytes: settings.maxResponseBytes
    }),
    checkContract: settings.checkContract,
    warning: line => core.warning(safeLine(line))
  })
}

/** A 401 or 403 gets the sign-in doctor's reading of the token sent. */
export function withRefusalExplained<T extends InvokeResult>(
  result: T,
  settings: Settings,
  token: string
): T {
  const { status, failure } = result
  if ((status !== 401 && status !== 403) || failure === undefined || !token) return result
  const explained = explainRefusal(
    { status, token, wwwAuthenticate: result.headers['www-authenticate'] },
    settings.expectedToken,
    Date.now()
  )
  return { ...result, failure: withSuffix(failure, ` — ${explained}`) }
}
