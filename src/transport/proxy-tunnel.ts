import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'

/** Anything a deadline or close() may have to end. */
export interface Piece {
  destroy(): void
}

/**
 * Calls `onWire` once the opened connection has its first bytes on the wire: a direct socket
 * when it connects (a TLS socket then sends its hello), a tunnelled TLS socket at once (its
 * tunnel is open), and any connection that fails or closes first.
 */
export function settleOnceOnWire(
  error: Error | null,
  socket: Duplex | undefined,
  onWire: () => void
) {
  const connecting = (socket as Socket | undefined)?.connecting
  if (error || !socket || !connecting) {
    onWire()
    return
  }
  socket.once('connect', onWire)
  socket.once('error', onWire)
  socket.once('close', onWire)
}

/** The host to dial: an IPv6 literal without its URL brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host
}

/**
 * A CONNECT tunnel through `proxy` to `target`'s host and port, as http-client's tunnel agent
 * opens one (proxy credentials from the proxy URL as Basic). Each piece is handed to `track`
 * the moment it exists, so the caller's deadline can end a proxy that never answers.
 */
export function openTunnel(
  proxy: URL,
  target: URL,
  track: (piece: Piece) => void
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
