import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { MaxResponseOutputBytes } from './constants.js'
import { createTransport } from './http.js'
import { invoke, type InvokeResult } from './invoker.js'
import { receiveBody } from './response-body.js'
import type { Settings } from './settings.js'

/** Where the body goes: the `response-file` input, or a fresh file under RUNNER_TEMP. */
export function responseFilePath(settings: Settings, env = process.env): string {
  return (
    settings.responseFile ??
    path.join(env['RUNNER_TEMP'] || os.tmpdir(), `d365fo-response-${randomUUID()}.json`)
  )
}

/** Calls the endpoint once (plus 429 retries) with the bearer token; the body lands in `file`. */
export async function callService(
  settings: Settings,
  token: string,
  file: string
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
            stallMs: settings.timeoutMs
          })
      }
    )
  } finally {
    transport.close()
  }
}
