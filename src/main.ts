import * as core from '@actions/core'
import { signInForStep } from './sign-in/auth.js'
import { NoEarlyConnections, type EarlyConnections } from './transport/early-connection-set.js'
import { failureOf } from './common/failure.js'
import { readSettings } from './inputs/inputs.js'
import type { ManyOutcome } from './many/many-calls.js'
import { notePlan } from './call/plan-notes.js'
import { report, reportCrash, type Outcome } from './report/report.js'
import { safeLine } from './common/safe-line.js'
import type { ResponseFile } from './transport/response-file.js'
import { callService, createServiceTransport, prepareResponseFile } from './call/service-call.js'
import type { Settings } from './inputs/settings.js'
import { waitStartDelay } from './call/start-delay.js'
import type { TokenSource } from './sign-in/token-source.js'

/**
 * The action: settings → (throttle) → token → call(s), then one report of how it went. `early`
 * holds the connections the entry point opened while this code loaded; the call and the first
 * sign-in take them over, and whatever no request took is closed at the end.
 */
export async function run(early: EarlyConnections = NoEarlyConnections): Promise<void> {
  try {
    const outcome = await callOnce(early)
    if ('tally' in outcome) {
      const { reportMany } = await import('./report/many-report.js')
      await reportMany(outcome)
    } else {
      await report(outcome)
    }
  } catch (error) {
    reportCrash(error)
  } finally {
    early.close()
  }
}

/** Runs the call, stopping at the first failure; what happened is data for the report. */
async function callOnce(early: EarlyConnections): Promise<Outcome | ManyOutcome> {
  let settings: Settings
  try {
    settings = await readSettings()
  } catch (error) {
    return { failure: failureOf(error, 'input') }
  }
  logSettings(settings)
  if (settings.many) {
    // Loaded only for many calls, so a single call never pays for it.
    const { runManyCalls } = await import('./many/many-calls.js')
    return runManyCalls(settings, settings.many, early)
  }
  notePlan(settings)
  let file: ResponseFile
  try {
    // Before any request: a response-file that cannot be written must not cost a call.
    file = await prepareResponseFile(settings)
  } catch (error) {
    return { settings, failure: failureOf(error, 'input') }
  }

  await waitStartDelay(settings.throttleSeed)

  // Opened while signing in, if not earlier: the call then finds its connection ready.
  const transport = createServiceTransport(settings, early.service)
  transport.preconnect(settings.serviceUrl)

  let tokens: TokenSource
  try {
    tokens = await signInForStep(settings, early.authority)
  } catch (error) {
    transport.close()
    await file.handle.close().catch(() => undefined)
    return { settings, failure: failureOf(error, 'sign-in') }
  }

  try {
    const call = await core.group(safeLine(`${settings.method} ${settings.serviceName}`), () =>
      callService(settings, tokens, file, transport)
    )
    return { settings, responseFile: file.path, call, failure: call.failure }
  } catch (error) {
    return { settings, failure: failureOf(error, 'internal') }
  }
}

function logSettings(settings: Settings): void {
  // Every line that carries input text is printed inert, as server text is.
  core.debug(
    safeLine(
      `service-name: ${settings.serviceName}; method: ${settings.method}; url: ${settings.serviceUrl}`
    )
  )
  core.debug(
    safeLine(
      `retry-timeout: ${settings.retryTimeoutMs} ms; retry-on: 429${settings.retryOn.unavailable ? ', unavailable' : ''}${settings.retryOn.network ? ', network' : ''}; ` +
        `poll: ${settings.poll ? `every ${settings.poll.intervalMs} ms for ${settings.poll.timeoutMs} ms` : 'none'}; throttle-seed: ${settings.throttleSeed}; timeout: ${settings.timeoutMs} ms; ` +
        `enable-exception: ${settings.enableException}; mask-response: ${settings.maskResponse}; charset: ${settings.contentType ?? 'none'}`
    )
  )
  const sources = Object.entries(settings.sources)
    .filter(([, source]) => source !== 'default')
    .map(([name, source]) => `${name} from ${source === 'input' ? 'input' : 'environment'}`)
  if (sources.length > 0) core.info(safeLine(`Settings: ${sources.join(', ')}`))
}
