import * as core from '@actions/core'
import { setTimeout as sleep } from 'node:timers/promises'
import { acquireToken } from './auth.js'
import { CallError, oneLine } from './errors.js'
import { readSettings } from './inputs.js'
import { writeOutputs } from './outputs.js'
import { failOrWarn, reportCall } from './report.js'
import { scrub } from './secrets.js'
import { callService, prepareResponseFile } from './service-call.js'
import type { Settings } from './settings.js'
import { throttleDelayMs } from './throttle.js'

/** The action: settings → (throttle) → token → call → outputs. */
export async function run(): Promise<void> {
  // Until the inputs say otherwise, every failure fails the step.
  let enableException = true
  try {
    const settings = await readSettings()
    enableException = settings.enableException
    logSettings(settings)
    // Before any request: a response-file that cannot be written must not cost a call.
    const file = await prepareResponseFile(settings)

    const delayMs = throttleDelayMs(settings.throttleSeed, Math.random)
    if (delayMs > 0) {
      core.info(`throttle-seed: waiting ${delayMs / 1000} s before the first request`)
      await sleep(delayMs)
    }

    core.info(`Signing in (${settings.credential.kind})`)
    const token = await acquireToken(settings.credential, {
      timeoutMs: settings.timeoutMs,
      retryTimeoutMs: settings.retryTimeoutMs,
      now: () => Date.now(),
      sleep: ms => sleep(ms),
      info: line => core.info(line)
    })

    const result = await core.group(`${settings.method} ${settings.serviceName}`, () =>
      callService(settings, token, file)
    )
    await reportCall(settings, result, file.path)
  } catch (error) {
    const message = scrub(oneLine(error)) || 'unknown error'
    core.debug(scrub(error instanceof Error ? (error.stack ?? message) : message))
    writeOutputs({
      status: undefined,
      response: '',
      responseFile: '',
      headers: {},
      attempts: 0,
      elapsedMs: 0,
      error: message
    })
    // A bad input (or a bug) always fails; a failed sign-in is a failed call: enable-exception decides.
    failOrWarn(enableException || !(error instanceof CallError), message)
  }
}

function logSettings(settings: Settings): void {
  core.debug(
    `service-name: ${settings.serviceName}; method: ${settings.method}; url: ${settings.serviceUrl}`
  )
  core.debug(
    `retry-timeout: ${settings.retryTimeoutMs} ms; throttle-seed: ${settings.throttleSeed}; timeout: ${settings.timeoutMs} ms; ` +
      `enable-exception: ${settings.enableException}; mask-response: ${settings.maskResponse}; charset: ${settings.contentType ?? 'none'}`
  )
  const sources = Object.entries(settings.sources)
    .filter(([, source]) => source !== 'default')
    .map(([name, source]) => `${name} from ${source === 'input' ? 'input' : 'environment'}`)
  if (sources.length > 0) core.info(`Settings: ${sources.join(', ')}`)
}
