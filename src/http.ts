import { HttpClient } from '@actions/http-client'
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'

/** One HTTP request as the action sends it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** Exact bytes to send; undefined sends no body. */
  readonly body?: Buffer
}

/** Status and headers of an answer; the body is still to be read from `body`. */
export interface HttpResponse {
  readonly status: number
  /** Header names in lower case; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Readable
}

/** Sends requests; one instance per run, closed at the end so no socket keeps the process alive. */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>
  close(): void
}

/** The longest timer Node accepts: stands for "no limit" where a library insists on a timeout. */
export const NoTimeoutMs = 2_147_483_647

/** Raised when no byte arrives for `timeout-sec`; the message is the user's to read. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs / 1000} s (timeout-sec)`)
    this.name = 'TimeoutError'
  }
}

/**
 * A transport on @actions/http-client, which honours HTTPS_PROXY / NO_PROXY. Its idle socket
 * timeout bounds the wait for headers; redirects are followed only when asked (GET), and the
 * client drops Authorization when a redirect leaves the host.
 */
export function createTransport(options: {
  timeoutMs: number
  followRedirects: boolean
}): Transport {
  const client = new HttpClient('d365fo-rest-endpoint-action', [], {
    socketTimeout: options.timeoutMs || NoTimeoutMs,
    allowRedirects: options.followRedirects,
    allowRedirectDowngrade: false,
    maxRedirects: 5,
    allowRetries: false,
    keepAlive: true
  })
  return {
    async send(request) {
      const headers = { ...request.headers }
      let data: string | Readable = ''
      if (request.body) {
        headers['Content-Length'] = String(request.body.length)
        // A stream keeps the bytes exact: http-client would re-encode a string as UTF-8.
        data = request.body.length > 0 ? Readable.from([request.body]) : ''
      }
      try {
        const response = await client.request(request.method, request.url, data, headers)
        return {
          status: response.message.statusCode ?? 0,
          headers: flattenHeaders(response.message.headers),
          body: response.message
        }
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('Request timeout')) {
          throw new TimeoutError(options.timeoutMs)
        }
        throw error
      }
    },
    close: () => client.dispose()
  }
}

/** Lower-case names, one string per header. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}
