import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A server on 127.0.0.1 that hands each connection to the test as a bare socket, for what no
 * HTTP server would send: headers a byte at a time, a proxy that never answers CONNECT, a TLS
 * handshake nobody answers.
 */
export interface RawServer {
  readonly port: number
  /** Connections accepted so far. */
  readonly connections: number
  /** Everything the clients sent, as text (up to 64 KiB). */
  readonly received: string
  /** Closes the server and every connection. */
  close(): Promise<void>
}

const MaxRecorded = 64 * 1024

/**
 * Starts a plain TCP server, or a TLS server when `tls` is given; `onConnection` gets each
 * (decrypted) socket after the server has started recording what it receives.
 */
export async function startRawServer(
  onConnection: (socket: Socket) => void | Promise<void>,
  tls?: { key: string; cert: string }
): Promise<RawServer> {
  const sockets = new Set<Socket>()
  let connections = 0
  let received = ''
  const accept = (socket: Socket): void => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => {
      if (received.length < MaxRecorded) received += chunk.toString('latin1')
    })
    void Promise.resolve(onConnection(socket)).catch(() => socket.destroy())
  }
  const server: Server = tls ? createTlsServer(tls, accept) : createTcpServer(accept)
  server.on('tlsClientError', () => undefined)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    get connections() {
      return connections
    },
    get received() {
      return received
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

/** Writes `text` one byte every `gapMs` until it is all sent or the socket closes. */
export async function dripBytes(socket: Socket, text: string, gapMs: number): Promise<void> {
  for (const byte of text) {
    if (socket.destroyed) return
    socket.write(byte)
    await sleep(gapMs)
  }
}
