import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { mkdir, open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { signInForStep } from '../sign-in/auth.js'
import { NoEarlyConnections, type EarlyConnections } from '../transport/early-connection-set.js'
import { createExpressionCache, prepareCall } from '../call/call-plan.js'
import { CallRunner, type Entry } from './call-runner.js'
import { createTally, type CallTally } from './call-tally.js'
import { countCallLines, readCallsFile, type FileCall } from './calls-file.js'
import { Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import { failureOf, type Failure } from '../common/failure.js'
import { createFoldedLog } from './folded-log.js'
import { createTransport, type Transport } from '../transport/http.js'
import { createProgress, ProgressIntervalMs } from './progress.js'
import { openResponseFile, type ResponseFile } from '../transport/response-file.js'
import { openResultsWriter, resultLine } from './results-file.js'
import { safeLine } from '../common/safe-line.js'
import { NoThrottling, type Throttling } from '../doctors/throttle-doctor.js'
import type { ManyCalls, Settings } from '../inputs/settings.js'
import { waitStartDelay } from '../call/start-delay.js'
import { payloadFilePath } from '../call/payload-file.js'
import { findSameFile } from '../transport/file-conflicts.js'
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
  let results: ResponseFile
  let total: number
  try {
    results = await openResults(many)
    total = many.calls?.length ?? (await countFileCalls(many.callsFile ?? ''))
  } catch (error) {
    return notRun(settings, failureOf(error, 'input'))
  }
  // The path is input text: it may hold a line break or `##[`, so it is printed inert.
  core.info(
    safeLine(
      `${total} ${total === 1 ? 'call' : 'calls'} from ${many.calls ? Inputs.Calls : Inputs.CallsFile}, at most ${many.concurrency} at once; results in ${results.path}`
    )
  )
  await waitStartDelay(settings.throttleSeed)

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
    return notRun(settings, failureOf(error, 'sign-in'), results.path, total)
  }
  return runCalls({ settings, many, results, total, tokens, transport })
}

/** A step that ran no call: every call counts as failed. */
function notRun(settings: Settings, failure: Failure, resultsFile = '', total = 0): ManyOutcome {
  return {
    settings,
    tally: { total, succeeded: 0, failed: total, rows: [], failedNames: [] },
    attempts: 0,
    elapsedMs: 0,
    throttling: NoThrottling,
    resultsFile,
    failure
  }
}

/** What the calls run with once the step has signed in. */
interface StepSetUp {
  readonly settings: Settings
  readonly many: ManyCalls
  readonly results: ResponseFile
  readonly total: number
  readonly tokens: TokenSource
  readonly transport: Transport
}

/** Runs the calls through the worker pool, their results written in input order as they end. */
async function runCalls(step: StepSetUp): Promise<ManyOutcome> {
  const { settings, results, transport } = step
  const startedAt = Date.now()
  let attempts = 0
  const tally = createTally()
  // The step's log lines: a 429 that pauses every call in flight is one line with a count.
  const log = createFoldedLog(line => core.info(line))
  const run = new CallRunner(settings, step.tokens, transport, step.many, log)
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
    const progress = createProgress(step.total, {
      now: () => Date.now(),
      info: line => log.info(safeLine(line))
    })
    const ticker = setInterval(
      () => progress.status(run.inFlight(), run.limit()),
      ProgressIntervalMs
    )
    ticker.unref()
    let ran: number
    try {
      ran = await runPool(entries(step.many, step.results.path), entry => run.call(entry), {
        limit: () => run.limit(),
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
    // Every call counted must have run (or failed): a step never ends green on calls it skipped.
    if (ran !== step.total) {
      throw new Error(
        `${step.total} calls were counted before the step began, but ${ran} were read`
      )
    }
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
async function* entries(many: ManyCalls, resultsPath: string): AsyncGenerator<Entry> {
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
    yield await prepareEntry(entry, index, many, resultsPath, cache)
  }
}

async function prepareEntry(
  entry: FileCall,
  index: number,
  many: ManyCalls,
  resultsPath: string,
  cache: ReturnType<typeof createExpressionCache>
): Promise<Entry> {
  if ('problem' in entry) return { index, line: entry.line, problem: entry.problem }
  // A line read while the step runs may name the results file it is writing: never sent as a payload.
  const payloadFile = entry.call.payloadFile
  if (payloadFile !== undefined) {
    const named = payloadFilePath(payloadFile, process.env)
    const same = await findSameFile([
      { input: Inputs.PayloadFile, path: named },
      { input: Inputs.ResultsFile, path: resultsPath }
    ])
    if (same !== undefined) {
      return {
        index,
        line: entry.line,
        problem: `${Inputs.PayloadFile} ${named} is the ${Inputs.ResultsFile}, which this step writes`
      }
    }
  }
  const call = await prepareCall(entry.call, many.defaults, { index, line: entry.line }, cache)
  return 'problem' in call ? { index, line: entry.line, problem: call.problem } : call
}
