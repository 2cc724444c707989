import { getProxyUrl } from '@actions/http-client/lib/proxy'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'

/** Anything a deadline or close() may have to end. */
export interface Piece {
  destroy(): void
}

/**
 * Request option read by the pool's agents: receives each piece of a connection being opened
 * for the request (a CONNECT to the proxy, its socket), so the request's deadline can end them.
 */
export const TrackOption = 'trackConnection'

/** The keep-alive connections of one transport, direct or through the proxy's tunnel. */
export interface ConnectionPool {
  /** The keep-alive agent for `protocol` ('http:' or 'https:'). */
  agent(protocol: string): http.Agent
  /**
   * Starts opening a connection to `url`'s origin the way a request there would (a CONNECT
   * tunnel when HTTPS_PROXY / HTTP_PROXY apply and NO_PROXY does not), for the next request to
   * that origin to take. Sends no request and never fails: a connection that fails before a
   * request takes it is dropped, and that request opens its own. One at a time per origin.
   */
  preconnect(url: string): void
  /**
   * Resolves once every pre-connection has put its first bytes on the wire (TCP connected, or
   * the proxy's tunnel open and the TLS handshake begun), has failed, or `maxWaitMs` has passed.
   * Never rejects.
   */
  handshakesUnderway(maxWaitMs: number): Promise<void>
  /** Ends every connection, open, opening or parked. */
  close(): void
}

type Opened = (error: Error | null, socket?: Duplex) => void

/** A pre-connection: opening, or open and waiting for a request. */
interface Parked {
  readonly pieces: Piece[]
  /** Settles once its first bytes are on the wire, or it failed. */
  readonly underway: Promise<void>
  socket?: Duplex
  /** The request that took it while it was still opening. */
  taker?: { callback: Opened; track: (piece: Piece) => void }
  drop?: () => void
}

/**
 * Keep-alive agents whose connections honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY as
 * @actions/http-client reads them: through the proxy a connection is a CONNECT tunnel (proxy
 * credentials from the proxy URL as Basic), kept alive and reused like a direct one, so a retry
 * or a poll round costs no new tunnel and no new TLS handshake.
 */
export function createConnectionPool(): ConnectionPool {
  const pieces = new Set<Piece>()
  const parked = new Map<string, Parked>()
  let closed = false

  const keep = (piece: Piece & { once(event: 'close', listener: () => void): unknown }): void => {
    pieces.add(piece)
    piece.once('close', () => pieces.delete(piece))
  }

  /** Opens a connection to `target` (protocol, host, port), handing each piece to `track`. */
  function open(
    agent: http.Agent,
    direct: (options: object) => Duplex,
    options: { host: string; port: number; servername?: string } & object,
    protocol: string,
    track: (piece: Piece) => void,
    callback: Opened
  ): void {
    const target = new URL(`${protocol}//${hostForUrl(options.host)}:${options.port}`)
    let proxy: URL | undefined
    try {
      proxy = getProxyUrl(target)
    } catch {
      // Named, never shown: a proxy URL may hold credentials.
      const names = protocol === 'https:' ? 'HTTPS_PROXY / https_proxy' : 'HTTP_PROXY / http_proxy'
      callback(new Error(`the proxy variable ${names} is not a URL`))
      return
    }
    if (!proxy) {
      const socket = direct.call(agent, options)
      keep(socket as Socket)
      callback(null, socket)
      return
    }
    openTunnel(proxy, target, piece => {
      track(piece)
      keep(piece as Piece & { once(event: 'close', listener: () => void): unknown })
    }).then(raw => {
      if (closed) {
        raw.destroy()
        callback(new Error('the transport is closed'))
        return
      }
      if (protocol !== 'https:') {
        callback(null, raw)
        return
      }
      const secure = tls.connect({
        socket: raw,
        host: options.host,
        servername: options.servername
      })
      // The request reports the socket's errors; this keeps one after it is gone from crashing.
      secure.on('error', () => undefined)
      track(secure)
      keep(secure)
      callback(null, secure)
    }, callback)
  }

  const agents = new Map<string, http.Agent>()
  const directs = new Map<string, (options: object) => Duplex>()
  const kinds: [string, http.Agent][] = [
    ['http:', new http.Agent({ keepAlive: true })],
    ['https:', new https.Agent({ keepAlive: true })]
  ]
  for (const [protocol, agent] of kinds) {
    // The agent's own way to connect (net or tls), for connections that need no proxy.
    const direct = agent.createConnection as (options: object) => Duplex
    directs.set(protocol, direct)
    agent.createConnection = (options, callback): undefined => {
      const opts = options as { host: string; port: number; servername?: string } & Record<
        string,
        unknown
      >
      const track = (opts[TrackOption] as ((piece: Piece) => void) | undefined) ?? (() => {})
      const done: Opened = (error, socket) => callback?.(error, socket as Duplex)
      const key = keyOf(protocol, opts.host, opts.port)
      const waiting = parked.get(key)
      if (waiting) parked.delete(key)
      if (waiting && !waiting.socket?.destroyed) {
        take(waiting, done, track)
        return undefined
      }
      open(agent, direct, opts, protocol, track, done)
      return undefined
    }
    agents.set(protocol, agent)
  }

  /** Hands a parked connection to a request: at once when open, else once it is. */
  function take(connection: Parked, callback: Opened, track: (piece: Piece) => void): void {
    if (connection.socket) {
      connection.drop?.()
      callback(null, connection.socket)
      return
    }
    for (const piece of connection.pieces) track(piece)
    connection.taker = { callback, track }
  }

  return {
    agent(protocol) {
      const agent = agents.get(protocol)
      if (!agent) throw new Error(`unsupported protocol ${protocol}`)
      return agent
    },
    preconnect(url) {
      if (closed) return
      let target: URL
      try {
        target = new URL(url)
      } catch {
        return
      }
      const agent = agents.get(target.protocol)
      const direct = directs.get(target.protocol)
      if (!agent || !direct) return
      const host = hostOf(target)
      const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80))
      const key = keyOf(target.protocol, host, port)
      if (parked.has(key)) return
      let onWire = (): void => {}
      const underway = new Promise<void>(resolve => (onWire = resolve))
      const connection: Parked = { pieces: [], underway }
      parked.set(key, connection)
      const options = { host, port, ...(isIP(host) ? {} : { servername: host }) }
      open(
        agent,
        direct,
        options,
        target.protocol,
        piece => {
          connection.pieces.push(piece)
          connection.taker?.track(piece)
        },
        (error, socket) => {
          settleOnceOnWire(error, socket, onWire)
          const taker = connection.taker
          if (taker) {
            taker.callback(error, socket)
            return
          }
          if (error || !socket) {
            // Failed before any request took it: forgotten; the request opens its own.
            if (parked.get(key) === connection) parked.delete(key)
            return
          }
          connection.socket = socket
          // A parked connection that fails or closes is dropped the same way.
          const drop = (): void => {
            if (parked.get(key) === connection) parked.delete(key)
            socket.destroy()
          }
          socket.once('error', drop)
          socket.once('close', drop)
          connection.drop = () => {
            socket.off('error', drop)
            socket.off('close', drop)
          }
        }
      )
    },
    async handshakesUnderway(maxWaitMs) {
      const opening = [...parked.values()]
      if (opening.length === 0) return
      let timer: NodeJS.Timeout | undefined
      const cap = new Promise<void>(resolve => {
        timer = setTimeout(resolve, maxWaitMs)
        timer.unref()
      })
      await Promise.race([Promise.all(opening.map(connection => connection.underway)), cap])
      clearTimeout(timer)
    },
    close() {
      closed = true
      for (const agent of agents.values()) agent.destroy()
      for (const piece of pieces) piece.destroy()
      for (const connection of parked.values()) connection.socket?.destroy()
      parked.clear()
    }
  }
}

/**
 * Calls `onWire` once the opened connection has its first bytes on the wire: a direct socket
 * when it connects (a TLS socket then sends its hello), a tunnelled TLS socket at once (its
 * tunnel is open), and any connection that fails or closes first.
 */
function settleOnceOnWire(error: Error | null, socket: Duplex | undefined, onWire: () => void) {
  const connecting = (socket as Socket | undefined)?.connecting
  if (error || !socket || !connecting) {
    onWire()
    return
  }
  socket.once('connect', onWire)
  socket.once('error', onWire)
  socket.once('close', onWire)
}

function keyOf(protocol: string, host: string, port: number | string): string {
  return `${protocol}//${host}:${Number(port)}`
}

/** The host to dial: an IPv6 literal without its URL brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host
}

/**
 * A CONNECT tunnel through `proxy` to `target`'s host and port, as http-client's tunnel agent
 * opens one (proxy credentials from the proxy URL as Basic). Each piece is handed to `track`
 * the moment it exists, so the caller's deadline can end a proxy that never answers.
 */
function openTunnel(proxy: URL, target: URL, track: (piece: Piece) => void): Promise<Socket> {
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
