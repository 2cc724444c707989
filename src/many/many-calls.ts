import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import v8 from 'node:v8'
import { signInForStep } from '../sign-in/auth.js'
import { NoEarlyConnections, type EarlyConnections } from '../transport/early-connection-set.js'
import { createFilesBudget, receiveCallBody } from './call-body.js'
import { createExpressionCache, prepareCall, type PreparedCall } from '../call/call-plan.js'
import { createTally, type CallTally } from './call-tally.js'
import { countCallLines, readCallsFile, type FileCall } from './calls-file.js'
import { Inputs, MaxResponseOutputBytes } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import { errorLine, failureOf, type Failure } from '../common/failure.js'
import { createFoldedLog, type FoldedLog } from './folded-log.js'
import { createTransport, type Transport } from '../transport/http.js'
import { invoke, type InvokerDeps } from '../call/invoker.js'
import { judgeAnswer } from '../call/outcome-check.js'
import { createProgress, ProgressIntervalMs } from './progress.js'
import { openResponseFile, type ResponseFile } from '../transport/response-file.js'
import {
  InlineResponseBytes,
  openResultsWriter,
  resultLine,
  type CallResult
} from './results-file.js'
import { safeLine } from '../common/safe-line.js'
import { createStepDoctors, withRefusalExplained } from '../call/service-call.js'
import type { DoctorCall } from '../call/call-doctors.js'
import { addThrottling, NoThrottling, type Throttling } from '../doctors/throttle-doctor.js'
import { createStepThrottling } from './step-throttling.js'
import { createThrottleBreaker } from './throttle-breaker.js'
import type { ManyCalls, Settings } from '../inputs/settings.js'
import { startDelayMs } from '../call/start-delay.js'
import type { TokenSource } from '../sign-in/token-source.js'
import { runPool } from './worker-pool.js'

/** How a many-calls step ended: everything its report tells the runner. */
export interface ManyOutcome {
  readonly settings: Settings
  /** What the calls added up to. */
  readonly tally: CallTally
  /** HTTP requests sent to F&O by every call. */
  readonly attempts: number
  /** Wall time from the first call to the last result. */
  readonly elapsedMs: number
  /** The 429s every call met, added up. */
  readonly throttling: Throttling
  /** Where the results are; '' when the file could not be opened. */
  readonly resultsFile: string
  /**
   * Why the step failed as a whole (a bad results-file, the sign-in, a fault of the action);
   * undefined when it ran its calls, whether they succeeded or not (the tally says).
   */
  readonly failure: Failure | undefined
}

/** One call to run: ready to send, or why its line of calls-file cannot be one. */
type Entry =
  PreparedCall | { readonly index: number; readonly line: number; readonly problem: string }

/**
 * Runs many calls in one step: the results file is opened and the calls counted before any
 * request, then one sign-in (renewed before it expires), one connection pool, and at most
 * `concurrency` calls in flight. A 429 on any call pauses them all for its Retry-After (plus a
 * little jitter), and repeated 429s halve the calls in flight until a run of successes brings
 * them back. Each call has its own retries, checks and result, written in input order.
 */
export async function runManyCalls(
  settings: Settings,
  many: ManyCalls,
  early: EarlyConnections = NoEarlyConnections
): Promise<ManyOutcome> {
  keepHeapSmall()
  const empty = (failure: Failure, resultsFile = '', total = 0): ManyOutcome => ({
    settings,
    tally: { total, succeeded: 0, failed: total, rows: [], failedNames: [] },
    attempts: 0,
    elapsedMs: 0,
    throttling: NoThrottling,
    resultsFile,
    failure
  })

  let results: ResponseFile
  let total: number
  try {
    results = await openResults(many)
    total = many.calls?.length ?? (await countFileCalls(many.callsFile ?? ''))
  } catch (error) {
    return empty(failureOf(error, 'input'))
  }
  // The path is input text: it may hold a line break or `##[`, so it is printed inert.
  core.info(
    safeLine(
      `${total} ${total === 1 ? 'call' : 'calls'} from ${many.calls ? Inputs.Calls : Inputs.CallsFile}, at most ${many.concurrency} at once; results in ${results.path}`
    )
  )

  const delayMs = startDelayMs(settings.throttleSeed, Math.random)
  if (delayMs > 0) {
    core.info(`throttle-seed: waiting ${delayMs / 1000} s before the first request`)
    await sleep(delayMs)
  }

  // Every call shares it; its first connection opens while signing in, if not earlier.
  const transport = createTransport({
    timeoutMs: settings.timeoutMs,
    followRedirects: true,
    pool: early.service
  })
  transport.preconnect(settings.expectedToken.systemUrl)

  let tokens: TokenSource
  try {
    tokens = await signInForStep(settings, early.authority)
  } catch (error) {
    transport.close()
    await results.handle.close().catch(() => undefined)
    return empty(failureOf(error, 'sign-in'), results.path, total)
  }

  const startedAt = Date.now()
  let attempts = 0
  const tally = createTally()
  // The step's log lines: a 429 that pauses every call in flight is one line with a count.
  const log = createFoldedLog(line => core.info(line))
  const run = createCallRunner(settings, tokens, transport, many, log)
  const ended = (failure: Failure | undefined): ManyOutcome => ({
    settings,
    tally: tally.snapshot(),
    attempts,
    elapsedMs: Date.now() - startedAt,
    throttling: run.throttling(),
    resultsFile: results.path,
    failure
  })
  try {
    const writer = await openResultsWriter(results)
    const progress = createProgress(total, {
      now: () => Date.now(),
      info: line => log.info(safeLine(line))
    })
    const ticker = setInterval(
      () => progress.status(run.inFlight(), run.limit()),
      ProgressIntervalMs
    )
    ticker.unref()
    try {
      await runPool(entries(many), run.call, {
        limit: run.limit,
        async done(position, result) {
          attempts += result.attempts
          tally.add(result)
          progress.finished(result)
          await writer.add(position, resultLine(result))
        }
      })
    } finally {
      clearInterval(ticker)
      log.flush()
      await writer.close()
    }
    progress.status(0, run.limit())
    return ended(undefined)
  } catch (error) {
    return ended(failureOf(error, 'internal'))
  } finally {
    transport.close()
  }
}

/**
 * Thousands of calls allocate steadily, though little stays alive (a few MiB). Left alone, V8
 * grows its young generation to three 16 MiB semi-spaces and lets the old one fill with garbage
 * up to several times what is alive before it collects: together most of the step's memory,
 * growing with the number of calls. Keeping the young generation at its starting size and the
 * old one close to what is alive keeps memory flat (100,000 calls within 1.5× of 10), for more
 * frequent, short collections.
 */
function keepHeapSmall(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1')
  v8.setFlagsFromString('--heap-growing-percent=10')
}

/** The results-file input, checked and opened as response-file is; else a fresh file under RUNNER_TEMP. */
async function openResults(many: ManyCalls, env = process.env): Promise<ResponseFile> {
  if (many.resultsFile) return openResponseFile(many.resultsFile, env, Inputs.ResultsFile)
  const folder = env['RUNNER_TEMP'] || os.tmpdir()
  await mkdir(folder, { recursive: true })
  const file = path.join(folder, `d365fo-results-${randomUUID()}.jsonl`)
  return { path: file, handle: await open(file, 'wx') }
}

/** The calls in calls-file, counted before any request; a file without one is a bad input. */
async function countFileCalls(file: string): Promise<number> {
  const count = await countCallLines(file)
  if (count === 0) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile}: ${file} holds no calls (every line is blank).`
    )
  }
  return count
}

/** The calls in input order: `calls` as checked, or the lines of calls-file as they are read. */
async function* entries(many: ManyCalls): AsyncGenerator<Entry> {
  if (many.calls) {
    yield* many.calls
    return
  }
  const cache = createExpressionCache()
  let index = 0
  for await (const entry of readCallsFile(many.callsFile ?? '', {
    format: many.callsFileFormat
  })) {
    index++
    yield await prepareEntry(entry, index, many, cache)
  }
}

async function prepareEntry(
  entry: FileCall,
  index: number,
  many: ManyCalls,
  cache: ReturnType<typeof createExpressionCache>
): Promise<Entry> {
  if ('problem' in entry) return { index, line: entry.line, problem: entry.problem }
  const call = await prepareCall(entry.call, many.defaults, { index, line: entry.line }, cache)
  return 'problem' in call ? { index, line: entry.line, problem: call.problem } : call
}

/** Runs one call at a time of many, sharing the throttle, the token and the connections. */
function createCallRunner(
  settings: Settings,
  tokens: TokenSource,
  transport: Transport,
  many: ManyCalls,
  log: FoldedLog
): {
  call(entry: Entry): Promise<CallResult>
  limit(): number
  inFlight(): number
  throttling(): Throttling
} {
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
  const breaker = createThrottleBreaker(many.concurrency)
  const observed: Pick<Transport, 'send'> = {
    async send(request) {
      const sentAt = Date.now()
      const response = await transport.send(request)
      throttle.answered(sentAt, response.status, response.headers['retry-after'])
      return response
    }
  }
  let responses: Promise<string> | undefined
  const responsesFolder = (): Promise<string> => {
    const folder = process.env['RUNNER_TEMP'] || os.tmpdir()
    responses ??= mkdir(folder, { recursive: true }).then(() =>
      mkdtemp(path.join(folder, 'd365fo-responses-'))
    )
    return responses
  }
  const files = createFilesBudget(settings.maxResponseBytes)
  let inFlight = 0
  // Doctor GETs go on the shared connections but around the throttle: they are never retried.
  const doctors = createStepDoctors(settings, tokens, transport)
  let throttling = NoThrottling

  async function call(entry: Entry): Promise<CallResult> {
    if ('problem' in entry) {
      return unsent(entry, `line ${entry.line} of ${Inputs.CallsFile}: ${entry.problem}`)
    }
    inFlight++
    try {
      // A call that has not started waits out a pause without spending its retry-timeout, unless
      // the pause is longer than all of it; and none starts while the breaker is open.
      const budgetEnd =
        settings.retryTimeoutMs === 0 ? undefined : Date.now() + settings.retryTimeoutMs
      const paused = await throttle.ready(budgetEnd)
      if (paused !== undefined) {
        return unsent(
          entry,
          `${entry.method} ${entry.url} failed: HTTP 429 Too Many Requests — ${paused.reason}, past what ${Inputs.RetryTimeout} leaves (0 attempts)`
        )
      }
      const refusal = breaker.refusal()
      if (refusal !== undefined) {
        return unsent(entry, `${entry.method} ${entry.url} was not sent: ${refusal}`)
      }
      const refused = await doctors.checkContract(doctorCall(entry))
      if (refused) return unsent(entry, errorLine(refused, settings.maskResponse))
      return await send(entry)
    } finally {
      inFlight--
    }
  }

  async function send(call: PreparedCall): Promise<CallResult> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (call.contentType) headers['Content-Type'] = call.contentType
    let bodyFile: string | undefined
    let lastSent = ''
    const deps: InvokerDeps = {
      transport: observed,
      now: () => Date.now(),
      sleep: ms => sleep(ms),
      random: Math.random,
      // One line per finished call is the log; each attempt is there for debugging.
      info: line => core.debug(safeLine(line)),
      // The sign-in doctor reads the token a 401 or 403 refused, as for a single call.
      bearer: async () => (lastSent = await tokens.current()),
      pace: untilMs => throttle.turn(untilMs),
      async receive(response) {
        bodyFile ??= path.join(await responsesFolder(), `${call.index}.json`)
        return receiveCallBody(response.body, bodyFile, {
          inlineBytes: InlineResponseBytes,
          // The checks read up to 1 MiB, as for a single call.
          keepBytes: MaxResponseOutputBytes + 1,
          stallMs: settings.timeoutMs,
          maxBytes: settings.maxResponseBytes,
          files
        })
      }
    }
    const label = `${call.method} ${call.url}`
    const result = await invoke(
      { method: call.method, url: call.url, headers, body: call.body },
      { retryTimeoutMs: settings.retryTimeoutMs, retryOn: settings.retryOn },
      deps
    )
    const verdict = await judgeAnswer(
      result,
      {
        label,
        successWhen: call.successWhen,
        failWhen: call.failWhen,
        until: undefined,
        maskResponse: settings.maskResponse,
        retryOn: settings.retryOn
      },
      // One line per finished call is the log; what each check read is there for debugging.
      { info: checkLine, warning: checkLine }
    )
    throttling = addThrottling(throttling, result.throttling)
    const { failure } = await doctors.explain(
      withRefusalExplained(
        { ...result, failure: verdict.state === 'failed' ? verdict.failure : undefined },
        settings,
        lastSent
      ),
      doctorCall(call)
    )
    breaker.ended(failure?.kind === 'throttled')
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
      error: failure === undefined ? undefined : errorLine(failure, settings.maskResponse),
      responseJson: inline ? bodyJson(body.head) : undefined,
      responseFile: body !== undefined && !inline ? body.file || undefined : undefined
    }
  }

  return {
    call,
    limit: () => throttle.limit(),
    inFlight: () => inFlight,
    throttling: () => throttling
  }
}

/** What the doctors need of one call of many (no call of many polls). */
function doctorCall(call: PreparedCall): DoctorCall {
  return {
    method: call.method,
    url: call.url,
    serviceName: call.serviceName,
    payload: call.payload,
    polling: false
  }
}

function checkLine(line: string): void {
  core.debug(safeLine(line))
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
