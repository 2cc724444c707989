import * as core from '@actions/core'
import { MaxResponseOutputBytes } from './constants.js'
import type { InvokeResult } from './invoker.js'
import { responseText, writeOutputs } from './outputs.js'
import { maskSecret, scrub } from './secrets.js'
import type { Settings } from './settings.js'
import { bodyPreview, writeSummary } from './summary.js'

/**
 * Tells the runner how the call went: masks the body if asked, logs a preview, sets every
 * output, writes the job summary, and fails the step or warns (enable-exception).
 */
export async function reportCall(
  settings: Settings,
  result: InvokeResult,
  responseFile: string
): Promise<void> {
  const head = result.body?.head ?? Buffer.alloc(0)
  const bytes = result.body?.bytes ?? 0
  if (settings.maskResponse) maskSecret(head.toString('utf8'))
  const error = result.failure === undefined ? undefined : scrub(result.failure)

  if (bytes > 0 && !settings.maskResponse) {
    core.startGroup(`Response body (${bytes} bytes)`)
    core.info(bodyPreview(head, bytes))
    core.endGroup()
  }
  if (bytes > MaxResponseOutputBytes) {
    core.warning(
      `The response is ${bytes} bytes, too large for the 'response' output (1 MiB at most): it is empty; read ${responseFile} instead.`
    )
  }

  writeOutputs({
    status: result.status,
    response: responseText(head, bytes),
    responseFile,
    headers: result.headers,
    attempts: result.attempts,
    elapsedMs: result.elapsedMs,
    error
  })
  await writeSummary({
    serviceName: settings.serviceName,
    method: settings.method,
    status: result.status,
    attempts: result.attempts,
    elapsedMs: result.elapsedMs,
    waitedMs: result.waitedMs,
    responseBytes: bytes,
    bodyHead: settings.maskResponse ? undefined : head,
    error
  })

  if (error !== undefined) failOrWarn(settings.enableException, error)
}

/** enable-exception: true fails the step; false leaves a warning and lets later steps branch on `status`. */
export function failOrWarn(enableException: boolean, message: string): void {
  if (enableException) core.setFailed(message)
  else core.warning(message)
}
