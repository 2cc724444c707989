import { getProxyUrl } from '@actions/http-client/lib/proxy'
import http from 'node:http'
import https from 'node:https'
import { isIP, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'
import { hostForUrl, hostOf, openTunnel, settleOnceOnWire, type Piece } from './proxy-tunnel.js'

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
type Track = (piece: Piece) => void
type Closable = Piece & { once(event: 'close', listener: () => void): unknown }
type Target = { host: string; port: number; servername?: string } & Record<string, unknown>

/** A pre-connection: opening, or open and waiting for a request. */
interface Parked {
  readonly pieces: Piece[]
  /** Settles once its first bytes are on the wire, or it failed. */
  readonly underway: Promise<void>
  socket?: Duplex
  /** The request that took it while it was still opening. */
  taker?: { callback: Opened; track: Track }
  drop?: () => void
}

/** One protocol's keep-alive agent and its own way to connect (net or tls) without a proxy. */
interface Kind {
  readonly agent: http.Agent
  readonly direct: (options: object) => Duplex
}

/**
 * Keep-alive agents whose connections honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY as
 * @actions/http-client reads them: through the proxy a connection is a CONNECT tunnel (proxy
 * credentials from the proxy URL as Basic), kept alive and reused like a direct one, so a retry
 * or a poll round costs no new tunnel and no new TLS handshake.
 */
export function createConnectionPool(): ConnectionPool {
  return new KeepAlivePool()
}

class KeepAlivePool implements ConnectionPool {
  private readonly pieces = new Set<Piece>()
  private readonly parked = new Map<string, Parked>()
  private readonly kinds = new Map<string, Kind>()
  private closed = false

  constructor() {
    this.addKind('http:', new http.Agent({ keepAlive: true }))
    this.addKind('https:', new https.Agent({ keepAlive: true }))
  }

  agent(protocol: string): http.Agent {
    const kind = this.kinds.get(protocol)
    if (!kind) throw new Error(`unsupported protocol ${protocol}`)
    return kind.agent
  }

  preconnect(url: string): void {
    if (this.closed) return
    let target: URL
    try {
      target = new URL(url)
    } catch {
      return
    }
    const kind = this.kinds.get(target.protocol)
    if (!kind) return
    const host = hostOf(target)
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80))
    const key = keyOf(target.protocol, host, port)
    if (this.parked.has(key)) return
    let onWire = (): void => {}
    const connection: Parked = { pieces: [], underway: new Promise(resolve => (onWire = resolve)) }
    this.parked.set(key, connection)
    const options = { host, port, ...(isIP(host) ? {} : { servername: host }) }
    const track: Track = piece => {
      connection.pieces.push(piece)
      connection.taker?.track(piece)
    }
    this.open(kind, options, target.protocol, track, (error, socket) => {
      settleOnceOnWire(error, socket, onWire)
      this.settleParked(key, connection, error, socket)
    })
  }

  async handshakesUnderway(maxWaitMs: number): Promise<void> {
    const opening = [...this.parked.values()]
    if (opening.length === 0) return
    let timer: NodeJS.Timeout | undefined
    const cap = new Promise<void>(resolve => {
      timer = setTimeout(resolve, maxWaitMs)
      timer.unref()
    })
    await Promise.race([Promise.all(opening.map(connection => connection.underway)), cap])
    clearTimeout(timer)
  }

  close(): void {
    this.closed = true
    for (const { agent } of this.kinds.values()) agent.destroy()
    for (const piece of this.pieces) piece.destroy()
    for (const connection of this.parked.values()) connection.socket?.destroy()
    this.parked.clear()
  }

  /** The agent connects through the pool: a parked connection first, else a new one. */
  private addKind(protocol: string, agent: http.Agent): void {
    const kind: Kind = { agent, direct: agent.createConnection as (options: object) => Duplex }
    this.kinds.set(protocol, kind)
    agent.createConnection = (options, callback): undefined => {
      const target = options as Target
      const track = (target[TrackOption] as Track | undefined) ?? (() => {})
      const done: Opened = (error, socket) => callback?.(error, socket as Duplex)
      const key = keyOf(protocol, target.host, target.port)
      const waiting = this.parked.get(key)
      if (waiting) this.parked.delete(key)
      if (waiting && !waiting.socket?.destroyed) this.take(waiting, done, track)
      else this.open(kind, target, protocol, track, done)
      return undefined
    }
  }

  /** Hands a parked connection to a request: at once when open, else once it is. */
  private take(connection: Parked, callback: Opened, track: Track): void {
    if (connection.socket) {
      connection.drop?.()
      callback(null, connection.socket)
      return
    }
    for (const piece of connection.pieces) track(piece)
    connection.taker = { callback, track }
  }

  /** A pre-connection opened or failed: to the request that took it, or parked until one does. */
  private settleParked(key: string, connection: Parked, error: Error | null, socket?: Duplex) {
    const taker = connection.taker
    if (taker) {
      taker.callback(error, socket)
      return
    }
    if (error || !socket) {
      // Failed before any request took it: forgotten; the request opens its own.
      if (this.parked.get(key) === connection) this.parked.delete(key)
      return
    }
    connection.socket = socket
    // A parked connection that fails or closes is dropped the same way.
    const drop = (): void => {
      if (this.parked.get(key) === connection) this.parked.delete(key)
      socket.destroy()
    }
    socket.once('error', drop)
    socket.once('close', drop)
    connection.drop = () => {
      socket.off('error', drop)
      socket.off('close', drop)
    }
  }

  /** Opens a connection to `target` (protocol, host, port), handing each piece to `track`. */
  private open(kind: Kind, target: Target, protocol: string, track: Track, callback: Opened) {
    const url = new URL(`${protocol}//${hostForUrl(target.host)}:${target.port}`)
    let proxy: URL | undefined
    try {
      proxy = getProxyUrl(url)
    } catch {
      // Named, never shown: a proxy URL may hold credentials.
      const names = protocol === 'https:' ? 'HTTPS_PROXY / https_proxy' : 'HTTP_PROXY / http_proxy'
      callback(new Error(`the proxy variable ${names} is not a URL`))
      return
    }
    if (!proxy) {
      const socket = kind.direct.call(kind.agent, target)
      this.keep(socket as Socket)
      callback(null, socket)
      return
    }
    const trackAndKeep: Track = piece => {
      track(piece)
      this.keep(piece as Closable)
    }
    openTunnel(proxy, url, trackAndKeep).then(
      raw => this.overTunnel(raw, target, protocol, trackAndKeep, callback),
      callback
    )
  }

  /** The request's connection over an open tunnel: as is for HTTP, in TLS for HTTPS. */
  private overTunnel(raw: Socket, target: Target, protocol: string, track: Track, done: Opened) {
    if (this.closed) {
      raw.destroy()
      done(new Error('the transport is closed'))
      return
    }
    if (protocol !== 'https:') {
      done(null, raw)
      return
    }
    const secure = tls.connect({ socket: raw, host: target.host, servername: target.servername })
    // The request reports the socket's errors; this keeps one after it is gone from crashing.
    secure.on('error', () => undefined)
    track(secure)
    done(null, secure)
  }

  private keep(piece: Closable): void {
    this.pieces.add(piece)
    piece.once('close', () => this.pieces.delete(piece))
  }
}

function keyOf(protocol: string, host: string, port: number | string): string {
  return `${protocol}//${host}:${Number(port)}`
}
