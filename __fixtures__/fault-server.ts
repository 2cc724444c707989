import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer as createTcpServer, type Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { issueCertificate, type AltName } from '../sim/index.mjs'

/** How a purpose-built server answers; it may write slowly, stall, or cut the connection. */
export type FaultHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** One request as the fault server received it. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  /** The Host header: which name the client dialled. */
  readonly host: string
  readonly authorization: string | undefined
  /** ms since the epoch. */
  readonly time: number
}

export type { AltName }

/** A test CA whose certificate is written to `caFile`, for NODE_EXTRA_CA_CERTS. */
export interface TestCa {
  readonly caFile: string
  /** A server certificate signed by this CA, valid only for `altNames`. */
  issue(altNames: readonly AltName[]): Promise<{ key: string; cert: string }>
  close(): Promise<void>
}

/** A server on 127.0.0.1 (or ::1) whose answers a test scripts with `handle`. */
export interface FaultServer {
  /** https://127.0.0.1:<port> (http:// without a certificate; [::1] on ::1) */
  readonly url: string
  readonly port: number
  readonly requests: SeenRequest[]
  /** Answers every following request with `handler` (default: 200 `{}`). */
  handle(handler: FaultHandler): void
  /** Forgets the requests and restores the default answer. */
  reset(): void
  /** Closes the server and every connection, hung ones included. */
  close(): Promise<void>
}

const DayMs = 24 * 60 * 60 * 1000

/** Creates a CA in a fresh temporary folder; `close()` removes the folder. */
export async function createTestCa(): Promise<TestCa> {
  const validity = {
    keyType: 'ec' as const,
    notBefore: new Date(Date.now() - DayMs),
    notAfter: new Date(Date.now() + DayMs)
  }
  const ca = await issueCertificate({
    ...validity,
    commonName: 'Fault suite test CA',
    authority: true
  })
  const dir = await mkdtemp(path.join(os.tmpdir(), 'd365fo-fault-ca-'))
  const caFile = path.join(dir, 'ca.pem')
  await writeFile(caFile, ca.cert)
  return {
    caFile,
    issue: altNames =>
      issueCertificate({ ...validity, commonName: 'fault server', issuer: ca, altNames }),
    close: () => rm(dir, { recursive: true, force: true })
  }
}

/**
 * Starts an HTTPS server on 127.0.0.1 (or `options.host`, e.g. '::1') with the given
 * certificate; plain HTTP without one.
 */
export async function startFaultServer(
  tls?: { key: string; cert: string },
  options: { host?: '127.0.0.1' | '::1' } = {}
): Promise<FaultServer> {
  const host = options.host ?? '127.0.0.1'
  const ok: FaultHandler = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end('{}')
  }
  let handler = ok
  const requests: SeenRequest[] = []
  const sockets = new Set<Socket>()
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({
      method: req.method ?? '',
      path: (req.url ?? '').replace(/\?.*$/, ''),
      host: req.headers.host ?? '',
      authorization: req.headers.authorization,
      time: Date.now()
    })
    // Whatever the request carries is read, so a handler may answer before or after it ends.
    req.resume()
    void Promise.resolve(handler(req, res)).catch(() => res.destroy())
  }
  const server = tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest)
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  // A client that rejects the certificate drops the handshake; that is the test passing.
  server.on('tlsClientError', () => undefined)
  const port = await listen(server, host)
  return {
    url: `${tls ? 'https' : 'http'}://${host === '::1' ? '[::1]' : host}:${port}`,
    port,
    requests,
    handle: next => {
      handler = next
    },
    reset: () => {
      requests.length = 0
      handler = ok
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

/** A port on 127.0.0.1 where nothing listens: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer()
  const port = await listen(server)
  await new Promise(resolve => server.close(resolve))
  return port
}

/** Writes `chunks` one by one, `gapMs` apart, then ends the response. */
export async function drip(
  res: ServerResponse,
  chunks: readonly string[],
  gapMs: number
): Promise<void> {
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0) await sleep(gapMs)
    if (res.destroyed) return
    res.write(chunk)
  }
  res.end()
}

/** A JSON body of exactly `Content-Length` bytes, the header included. */
export function jsonHeaders(body: string): Record<string, string> {
  return { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }
}

async function listen(
  server: {
    listen: (port: number, host: string, done: () => void) => unknown
    address: () => unknown
  },
  host = '127.0.0.1'
): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  return (server.address() as { port: number }).port
}
