import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { Agent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { withoutQuery } from './endpoint-url.js'

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
const NoTimeoutMs = 2_147_483_647

/** Raised when no byte arrives for `timeout-sec`; the message is the user's to read. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs / 1000} s (timeout-sec)`)
    this.name = 'TimeoutError'
  }
}

/**
 * A transport on @actions/http-client, which honours HTTPS_PROXY / NO_PROXY. Its idle socket
 * timeout bounds the wait for headers; redirects are followed only when asked (GET), never from
 * https to http, and Authorization is dropped when a redirect leaves the origin (host or port).
 */
export function createTransport(options: {
  timeoutMs: number
  followRedirects: boolean
}): Transport {
  const client = new HttpClient('d365fo-rest-endpoint-action', [bareIpv6Host], {
    socketTimeout: options.timeoutMs || NoTimeoutMs,
    // Redirects are followed below: http-client keeps Authorization on a redirect to another port.
    allowRedirects: false,
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
      const origin = new URL(request.url).origin
      let url = request.url
      for (let redirects = 0; ; redirects++) {
        let response
        try {
          response = await client.request(request.method, url, data, headers)
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('Request timeout')) {
            throw new TimeoutError(options.timeoutMs)
          }
          throw error
        }
        failStallsAsTimeouts(response.message, options.timeoutMs)
        const status = response.message.statusCode ?? 0
        const location = response.message.headers.location
        if (!options.followRedirects || !RedirectStatuses.has(status) || !location) {
          return {
            status,
            headers: flattenHeaders(response.message.headers),
            body: response.message
          }
        }
        if (redirects === MaxRedirects) throw new Error(`more than ${MaxRedirects} redirects`)
        const next = new URL(location, url)
        if (next.protocol !== 'https:' && new URL(url).protocol === 'https:') {
          throw new Error(
            `refused the redirect (HTTP ${status}) from https to ${withoutQuery(next.href)}`
          )
        }
        // Drained in the background: http-client's readBody() never settles if the body fails.
        response.message.resume()
        if (next.origin !== origin) {
          for (const name of Object.keys(headers)) {
            if (name.toLowerCase() === 'authorization') delete headers[name]
          }
        }
        url = next.href
      }
    },
    close: () => client.dispose()
  }
}

/**
 * http-client hands a URL's host name to Node as it is, so an IPv6 literal keeps its brackets
 * and goes to DNS (`ENOTFOUND [::1]`). Node dials it bare (and brackets the Host header itself);
 * only a direct agent gets it bare, as a proxy tunnel writes the host into `CONNECT [::1]:443`.
 */
const bareIpv6Host: RequestHandler = {
  prepareRequest(options) {
    if (options.host?.startsWith('[') && options.agent instanceof Agent) {
      options.host = options.host.slice(1, -1)
    }
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('no authentication handler'))
}

const RedirectStatuses = new Set([301, 302, 303, 307, 308])
const MaxRedirects = 5

/**
 * http-client's socket timer ends a connection whose body stalls, which surfaces as a bare
 * "aborted"; failing the body with TimeoutError first lets the message name timeout-sec.
 */
function failStallsAsTimeouts(body: IncomingMessage, timeoutMs: number): void {
  const socket = body.socket
  if (timeoutMs === 0 || !socket) return
  const onTimeout = (): void => {
    body.destroy(new TimeoutError(timeoutMs))
  }
  socket.once('timeout', onTimeout)
  body.once('close', () => socket.off('timeout', onTimeout))
}

/** Lower-case names, one string per header. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}
