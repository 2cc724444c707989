import { getProxyUrl } from '@actions/http-client/lib/proxy'
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP, type Socket } from 'node:net'
import type { Readable } from 'node:stream'
import tls from 'node:tls'
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
 * @actions/http-client reads them (a CONNECT tunnel through the proxy). `timeoutMs` (0 = none)
 * is a deadline from the first byte of the connection — DNS, proxy tunnel, TLS handshake,
 * request — to the last response header; the body's stalls are the reader's to bound. Redirects
 * are followed only when asked, and only for a GET, never from https to http, and Authorization
 * is dropped when a redirect leaves the origin (host or port).
 */
export function createTransport(options: {
  timeoutMs: number
  followRedirects: boolean
}): Transport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true })
  }
  // Tunnelled connections live outside the agents: close() ends them too.
  const tunnels = new Set<Socket>()
  let closed = false

  /** One request and its answer's headers, within the deadline. */
  function exchange(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer | undefined
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const pieces: { destroy(): void }[] = []
      let settled = false
      const fail = (error: unknown): void => {
        if (settled) return
        settled = true
        clearTimeout(deadline)
        for (const piece of pieces) piece.destroy()
        reject(error)
      }
      const deadline =
        options.timeoutMs > 0
          ? setTimeout(() => fail(new TimeoutError(options.timeoutMs)), options.timeoutMs)
          : undefined

      const start = (connection?: Socket): void => {
        const module = url.protocol === 'https:' ? https : http
        const request = module.request(url, {
          method,
          headers,
          // Without an agent Node takes 80 as the default: Host must not say fo.test:80 for https.
          defaultPort: url.protocol === 'https:' ? 443 : 80,
          ...(connection
            ? { createConnection: () => connection }
            : { agent: agents[url.protocol as keyof typeof agents] })
        })
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
      }

      const proxy = getProxyUrl(url)
      if (!proxy) {
        start()
        return
      }
      openTunnel(proxy, url, piece => pieces.push(piece)).then(raw => {
        tunnels.add(raw)
        raw.once('close', () => tunnels.delete(raw))
        if (settled) {
          raw.destroy()
          return
        }
        if (url.protocol !== 'https:') {
          start(raw)
          return
        }
        const host = hostOf(url)
        const secure = tls.connect({
          socket: raw,
          host,
          ...(isIP(host) ? {} : { servername: host })
        })
        // The request reports the socket's errors; this keeps one after it is gone from crashing.
        secure.on('error', () => undefined)
        pieces.push(secure)
        start(secure)
      }, fail)
    })
  }

  return {
    async send(request) {
      if (closed) throw new Error('the transport is closed')
      const headers: Record<string, string> = { 'User-Agent': UserAgent, ...request.headers }
      if (request.body) headers['Content-Length'] = String(request.body.length)
      const origin = new URL(request.url).origin
      let url = new URL(request.url)
      for (let redirects = 0; ; redirects++) {
        const response = await exchange(request.method, url, headers, request.body)
        const status = response.statusCode ?? 0
        const location = response.headers.location
        // A POST is never sent again to where a redirect points: it might run twice.
        const follow = options.followRedirects && request.method === 'GET'
        if (!follow || !RedirectStatuses.has(status) || !location) {
          return { status, headers: flattenHeaders(response.headers), body: response }
        }
        // Its body is of no use, and a dripping one must not hold the connection.
        response.destroy()
        if (redirects === MaxRedirects) throw new Error(`more than ${MaxRedirects} redirects`)
        const next = new URL(location, url)
        if (next.protocol !== 'https:' && url.protocol === 'https:') {
          throw new Error(
            `refused the redirect (HTTP ${status}) from https to ${withoutQuery(next.href)}`
          )
        }
        if (next.origin !== origin) {
          for (const name of Object.keys(headers)) {
            if (name.toLowerCase() === 'authorization') delete headers[name]
          }
        }
        url = next
      }
    },
    close() {
      closed = true
      agents['http:'].destroy()
      agents['https:'].destroy()
      for (const socket of tunnels) socket.destroy()
    }
  }
}

const RedirectStatuses = new Set([301, 302, 303, 307, 308])
const MaxRedirects = 5

/**
 * A CONNECT tunnel through `proxy` to `target`'s host and port, as http-client's tunnel agent
 * opens one (proxy credentials from the proxy URL as Basic). Each piece is handed to `track`
 * the moment it exists, so the caller's deadline can end a proxy that never answers.
 */
function openTunnel(
  proxy: URL,
  target: URL,
  track: (piece: { destroy(): void }) => void
): Promise<Socket> {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const authority = `${target.hostname}:${port}`
  const headers: Record<string, string> = { Host: authority }
  if (proxy.username || proxy.password) {
    headers['Proxy-Authorization'] =
      `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
  }
  const secureProxy = proxy.protocol === 'https:'
  const connect = (secureProxy ? https : http).request({
    host: hostOf(proxy),
    port: proxy.port || (secureProxy ? 443 : 80),
    method: 'CONNECT',
    path: authority,
    headers,
    agent: false
  })
  track(connect)
  // Named without credentials: they may be in the proxy URL.
  const where = `proxy ${proxy.protocol}//${proxy.host}`
  return new Promise((resolve, reject) => {
    connect.once('connect', (answer: IncomingMessage, socket: Socket, head: Buffer) => {
      track(socket)
      if (answer.statusCode !== 200) {
        socket.destroy()
        reject(new Error(`${where} refused the tunnel to ${authority}: HTTP ${answer.statusCode}`))
      } else if (head.length > 0) {
        socket.destroy()
        reject(new Error(`${where} sent data before the tunnel to ${authority} was open`))
      } else {
        socket.on('error', () => undefined)
        resolve(socket)
      }
    })
    connect.on('error', (error: NodeJS.ErrnoException) => {
      reject(Object.assign(new Error(`${where}: ${error.message}`), { code: error.code }))
    })
    connect.end()
  })
}

/** The host to dial: an IPv6 literal without its URL brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
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
