import * as core from '@actions/core'
import { setTimeout as sleep } from 'node:timers/promises'
import { acquireToken } from './auth.js'
import { CallError, InputError, oneLine } from './errors.js'
import { readSettings } from './inputs.js'
import { writeOutputs } from './outputs.js'
import { failOrWarn, reportCall } from './report.js'
import { scrub } from './secrets.js'
import { callService, responseFilePath } from './service-call.js'
import type { Settings } from './settings.js'
import { throttleDelayMs } from './throttle.js'

/** The action: settings → token → (throttle) → call → outputs. */
export async function run(): Promise<void> {
  let settings: Settings | undefined
  try {
    settings = await readSettings()
    logSettings(settings)

    core.info(`Signing in (${settings.credential.kind})`)
    const token = await acquireToken(settings.credential, {
      timeoutMs: settings.timeoutMs,
      retryTimeoutMs: settings.retryTimeoutMs,
      now: () => Date.now(),
      sleep: ms => sleep(ms),
      info: line => core.info(line)
    })

    const delayMs = throttleDelayMs(settings.throttleSeed, Math.random)
    if (delayMs > 0) {
      core.info(`throttle-seed: waiting ${delayMs / 1000} s before the first request`)
      await sleep(delayMs)
    }

    const file = responseFilePath(settings)
    const call = settings
    const result = await core.group(`${settings.method} ${settings.serviceName}`, () =>
      callService(call, token, file)
    )
    await reportCall(settings, result, file)
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
    // A bad input always fails; a failed sign-in is a failed call and follows enable-exception.
    const enableException = error instanceof CallError && settings ? settings.enableException : true
    failOrWarn(enableException || error instanceof InputError, message)
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
