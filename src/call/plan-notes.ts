import * as core from '@actions/core'
import { safeLine } from '../common/safe-line.js'
import type { Settings } from '../inputs/settings.js'
import { givenTokenWarning } from '../sign-in/token-source.js'

/**
 * What the user should know before the first request: a GET of an operation does not run it,
 * and a given token that expires before polling can end cannot be renewed.
 */
export function notePlan(settings: Settings, nowMs: number = Date.now()): void {
  if (settings.metadataOnly) {
    core.info(
      safeLine(
        `method GET returns the metadata of ${settings.serviceName} (its parameters and return type): the operation is not run. ` +
          'Leave method at auto (or set POST) to run it.'
      )
    )
  }
  if (settings.poll !== undefined && settings.credential.kind === 'token') {
    const warning = givenTokenWarning(settings.credential.token, settings.poll.timeoutMs, nowMs)
    if (warning !== undefined) core.warning(safeLine(warning))
  }
}
