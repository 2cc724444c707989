import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { mkdir, open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { MaxResponseOutputBytes } from './constants.js'
import { createTransport } from './http.js'
import { invoke, type InvokeResult } from './invoker.js'
import { receiveBody } from './response-body.js'
import { openResponseFile, type ResponseFile } from './response-file.js'
import type { Settings } from './settings.js'

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

/**
 * Calls the endpoint once (plus 429 retries) with the bearer token; the body lands in `file`,
 * which is closed when the call ends.
 */
export async function callService(
  settings: Settings,
  token: string,
  file: ResponseFile
): Promise<InvokeResult> {
  const transport = createTransport({
    timeoutMs: settings.timeoutMs,
    followRedirects: settings.method === 'GET'
  })
  const headers: Record<string, string> = {
    Authorization: `Bearer ${token}`,
    Accept: 'application/json'
  }
  if (settings.contentType) headers['Content-Type'] = settings.contentType
  try {
    return await invoke(
      { method: settings.method, url: settings.serviceUrl, headers, body: settings.body },
      settings.retryTimeoutMs,
      {
        transport,
        now: () => Date.now(),
        sleep: ms => sleep(ms),
        info: line => core.info(line),
        // One byte past the output cap tells "too large" from "exactly 1 MiB".
        receive: response =>
          receiveBody(response.body, file, {
            keepBytes: MaxResponseOutputBytes + 1,
            stallMs: settings.timeoutMs,
            maxBytes: settings.maxResponseBytes
          })
      }
    )
  } finally {
    transport.close()
    await file.handle.close()
  }
}
