import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { Readable } from 'node:stream'
import { createConnectionPool, type ConnectionPool, TrackOption } from './connection-pool.js'
import { withoutQuery } from '../common/endpoint-url.js'
import type { Piece } from './proxy-tunnel.js'

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
  /**
   * Starts opening the connection that the next send to `url`'s origin will use (through the
   * proxy when send would go through it), so its handshakes overlap other work. Sends nothing
   * and never fails: a connection that fails before a send takes it is dropped, and that send
   * opens its own and reports its own failure.
   */
  preconnect(url: string): void
  /**
   * Resolves once the pre-connections have their first bytes on the wire, have failed, or
   * `maxWaitMs` has passed: work that blocks the event loop (loading a large module) started
   * after this no longer holds their handshakes back. Never rejects.
   */
  handshakesUnderway(maxWaitMs: number): Promise<void>
  close(): void
}

/** Raised when an answer misses `timeout-sec`; the message is the user's to read. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs / 1000} s (timeout-sec)`)
    this.name = 'TimeoutError'
  }
}

const UserAgent = 'd365fo-rest-endpoint-action'

/**
 * A transport on Node's own http/https, honouring HTTPS_PROXY / HTTP_PROXY / NO_PROXY as
 * @actions/http-client reads them (a CONNECT tunnel through the proxy); every connection, direct
 * or tunnelled, is kept alive for the next request to the same origin. `timeoutMs` (0 = none)
 * is a deadline from the first byte of the connection — DNS, proxy tunnel, TLS handshake,
 * request — to the last response header; the body's stalls are the reader's to bound. Redirects
 * are followed only when asked, and only for a GET, never from https to http, and Authorization
 * is dropped when a redirect leaves the origin (host or port).
 */
export function createTransport(options: {
  timeoutMs: number
  followRedirects: boolean
  /** Connections opened earlier (src/early-connections.ts); the transport then owns them. */
  pool?: ConnectionPool
}): Transport {
  return new NodeTransport(
    options.timeoutMs,
    options.followRedirects,
    options.pool ?? createConnectionPool()
  )
}

class NodeTransport implements Transport {
  private closed = false

  constructor(
    private readonly timeoutMs: number,
    private readonly followRedirects: boolean,
    private readonly pool: ConnectionPool
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new Error('the transport is closed')
    const headers: Record<string, string> = { 'User-Agent': UserAgent, ...request.headers }
    if (request.body) headers['Content-Length'] = String(request.body.length)
    const origin = new URL(request.url).origin
    let url = new URL(request.url)
    for (let redirects = 0; ; redirects++) {
      const response = await exchange(
        this.pool,
        this.timeoutMs,
        request.method,
        url,
        headers,
        request.body
      )
      const status = response.statusCode ?? 0
      const location = response.headers.location
      // A POST is never sent again to where a redirect points: it might run twice.
      const follow = this.followRedirects && request.method === 'GET'
      if (!follow || !RedirectStatuses.has(status) || !location) {
        return { status, headers: flattenHeaders(response.headers), body: response }
      }
      // Its body is of no use, and a dripping one must not hold the connection.
      response.destroy()
      if (redirects === MaxRedirects) throw new Error(`more than ${MaxRedirects} redirects`)
      url = redirectTarget(url, location, status)
      if (url.origin !== origin) dropAuthorization(headers)
    }
  }

  preconnect(url: string): void {
    if (!this.closed) this.pool.preconnect(url)
  }

  handshakesUnderway(maxWaitMs: number): Promise<void> {
    return this.pool.handshakesUnderway(maxWaitMs)
  }

  close(): void {
    this.closed = true
    this.pool.close()
  }
}

/** One request and its answer's headers, within the deadline (`timeoutMs`, 0 = none). */
function exchange(
  pool: ConnectionPool,
  timeoutMs: number,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer | undefined
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // The request and, while it opens, its connection (a tunnel's CONNECT and sockets).
    const pieces: Piece[] = []
    let settled = false
    const fail = (error: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      for (const piece of pieces) piece.destroy()
      reject(error)
    }
    const deadline =
      timeoutMs > 0 ? setTimeout(() => fail(new TimeoutError(timeoutMs)), timeoutMs) : undefined

    const module = url.protocol === 'https:' ? https : http
    const requestOptions: https.RequestOptions & Record<string, unknown> = {
      method,
      headers,
      agent: pool.agent(url.protocol),
      [TrackOption]: (piece: Piece) => pieces.push(piece)
    }
    const request = module.request(url, requestOptions)
    pieces.push(request)
    // Stays attached: a request destroyed on the deadline still reports an error.
    request.on('error', fail)
    request.once('response', response => {
      if (settled) {
        response.destroy()
        return
      }
      settled = true
      clearTimeout(deadline)
      resolve(response)
    })
    request.end(body)
  })
}

/** Where a redirect from `url` leads; never from https to http. */
function redirectTarget(url: URL, location: string, status: number): URL {
  const next = new URL(location, url)
  if (next.protocol !== 'https:' && url.protocol === 'https:') {
    throw new Error(
      `refused the redirect (HTTP ${status}) from https to ${withoutQuery(next.href)}`
    )
  }
  return next
}

/** Authorization stays with the origin it was given for. */
function dropAuthorization(headers: Record<string, string>): void {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'authorization') delete headers[name]
  }
}

const RedirectStatuses = new Set([301, 302, 303, 307, 308])
const MaxRedirects = 5

/** Lower-case names, one string per header. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}
