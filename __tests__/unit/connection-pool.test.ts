import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server as HttpServer } from 'node:http'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTransport, TimeoutError, type Transport } from '../../src/transport/http.js'
import { readText } from '../../src/transport/response-body.js'
import { isolateProxyEnvironment } from '../../__fixtures__/proxy-environment.js'
import { startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'

// The transport's connections in process, on loopback: a pre-connection is the one the next
// request takes, a tunnel is kept alive like a direct connection, and a pre-connection that
// fails before a request takes it is forgotten.

const servers: { close(): Promise<void> }[] = []
let transport: Transport | undefined
isolateProxyEnvironment()
afterEach(() => {
  transport?.close()
  transport = undefined
})
afterAll(async () => {
  await Promise.all(servers.map(server => server.close()))
})

/** A plain HTTP server that counts its connections and answers `seen <path>`. */
async function counting(): Promise<{ url: string; connections: () => number }> {
  let connections = 0
  const server: HttpServer = createServer((req, res) => res.end(`seen ${req.url}`))
  server.on('connection', () => connections++)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  servers.push({
    close: () => {
      server.closeAllConnections()
      return new Promise(resolve => server.close(() => resolve()))
    }
  })
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => connections
  }
}

/** A CONNECT proxy that relays every tunnel to `port` on 127.0.0.1, whatever was asked. */
async function tunnelTo(port: number): Promise<RawServer> {
  const proxy = await startRawServer(socket => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n')
      const upstream: Socket = connect(port, '127.0.0.1')
      upstream.on('error', () => socket.destroy())
      socket.pipe(upstream).pipe(socket)
    })
  })
  servers.push(proxy)
  return proxy
}

function open(timeoutMs = 5000): Transport {
  transport = createTransport({ timeoutMs, followRedirects: false })
  return transport
}

async function get(t: Transport, url: string): Promise<string> {
  const response = await t.send({ method: 'GET', url, headers: {} })
  return readText(response.body, 5000)
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 5000; waited += 10) await sleep(10)
  expect(condition()).toBe(true)
}

describe('preconnect', () => {
  it('opens the connection the next request takes, and sends nothing itself', async () => {
    const server = await counting()
    const t = open()

    t.preconnect(`${server.url}/ignored`)
    await until(() => server.connections() === 1)

    expect(await get(t, `${server.url}/a`)).toBe('seen /a')
    expect(await get(t, `${server.url}/b`)).toBe('seen /b')
    expect(server.connections()).toBe(1)
  })

  it('goes through the proxy as a request would: the CONNECT is sent ahead, the tunnel is then used and kept', async () => {
    const server = await counting()
    const proxy = await tunnelTo(Number(new URL(server.url).port))
    process.env['HTTP_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const t = open()

    t.preconnect('http://fo.test/')
    await until(() => server.connections() === 1)
    expect(proxy.received).toMatch(/^CONNECT fo\.test:80 HTTP\/1\.1\r\n/)

    expect(await get(t, 'http://fo.test/a')).toBe('seen /a')
    expect(await get(t, 'http://fo.test/b')).toBe('seen /b')
    expect(proxy.connections).toBe(1)
    expect(proxy.received.match(/^CONNECT /gm)).toHaveLength(1)
  })

  it('does not go through the proxy for a NO_PROXY host', async () => {
    const server = await counting()
    const proxy = await tunnelTo(Number(new URL(server.url).port))
    process.env['HTTP_PROXY'] = `http://127.0.0.1:${proxy.port}`
    process.env['NO_PROXY'] = 'fo.test'
    const t = open()

    t.preconnect('http://fo.test/')
    // fo.test resolves nowhere: dialled directly, the pre-connection fails and is forgotten.
    await sleep(200)
    await expect(get(t, 'http://fo.test/a')).rejects.toThrow(/fo\.test/)
    expect(proxy.connections).toBe(0)
  })

  it('forgets a connection that fails before a request takes it; the request opens its own', async () => {
    let first = true
    const server = await startRawServer(socket => {
      if (first) {
        first = false
        socket.destroy()
        return
      }
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
    })
    servers.push(server)
    const t = open()

    t.preconnect(`http://127.0.0.1:${server.port}/`)
    await until(() => server.connections === 1)
    await sleep(100)

    expect(await get(t, `http://127.0.0.1:${server.port}/`)).toBe('ok')
    expect(server.connections).toBe(2)
  })

  it('hands a tunnel still opening to the request, whose deadline then ends it', async () => {
    let closed = false
    const proxy = await startRawServer(socket => {
      socket.once('close', () => (closed = true))
    })
    servers.push(proxy)
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const t = open(300)

    t.preconnect('https://fo.test/')
    const sent = t.send({ method: 'GET', url: 'https://fo.test/', headers: {} })

    await expect(sent).rejects.toThrow(TimeoutError)
    // One CONNECT: the request waited for the pre-connection instead of opening another.
    expect(proxy.connections).toBe(1)
    await until(() => closed)
  })

  it('is ended by close()', async () => {
    let closed = false
    const proxy = await startRawServer(socket => {
      socket.once('close', () => (closed = true))
    })
    servers.push(proxy)
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const t = open()

    t.preconnect('https://fo.test/')
    await until(() => proxy.connections === 1)
    t.close()

    await until(() => closed)
    await expect(t.send({ method: 'GET', url: 'https://fo.test/', headers: {} })).rejects.toThrow(
      'the transport is closed'
    )
  })

  it('ignores what it cannot use: a URL that does not parse, another protocol', () => {
    const t = open()
    expect(() => t.preconnect('not a url')).not.toThrow()
    expect(() => t.preconnect('ftp://fo.test/')).not.toThrow()
  })
})

// MSAL's loading blocks the event loop; it waits for the handshakes to be on the wire first.
describe('handshakesUnderway', () => {
  it('resolves once a direct pre-connection has connected', async () => {
    const server = await counting()
    const t = open()

    t.preconnect(`${server.url}/`)
    await expect(t.handshakesUnderway(60_000)).resolves.toBeUndefined()

    // It resolved for the connection, not for its 60-s limit: that connection is the request's.
    await until(() => server.connections() === 1)
    expect(await get(t, `${server.url}/after`)).toBe('seen /after')
    expect(server.connections()).toBe(1)
  })

  it('resolves once the proxy has opened the tunnel, and not before', async () => {
    const server = await counting()
    let answer: (() => void) | undefined
    const proxy = await startRawServer(socket => {
      socket.once('data', () => {
        answer = () => {
          socket.write('HTTP/1.1 200 Connection established\r\n\r\n')
          const upstream: Socket = connect(Number(new URL(server.url).port), '127.0.0.1')
          upstream.on('error', () => socket.destroy())
          socket.pipe(upstream).pipe(socket)
        }
      })
    })
    servers.push(proxy)
    process.env['HTTP_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const t = open()

    t.preconnect('http://fo.test/')
    let underway = false
    const waiting = t.handshakesUnderway(60_000).then(() => (underway = true))
    await until(() => answer !== undefined)
    await sleep(50)
    expect(underway).toBe(false)

    answer?.()
    await waiting
    await until(() => server.connections() === 1)
  })

  it('resolves when a pre-connection fails, and at once when there is none', async () => {
    const refused = await startRawServer(socket => {
      socket.destroy()
    })
    const port = refused.port
    await refused.close()
    const t = open()

    await t.handshakesUnderway(60_000)
    t.preconnect(`http://127.0.0.1:${port}/`)
    await expect(t.handshakesUnderway(60_000)).resolves.toBeUndefined()
  })

  it('stops waiting after maxWaitMs when the proxy never answers', async () => {
    const proxy = await startRawServer(() => undefined)
    servers.push(proxy)
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const t = open()

    t.preconnect('https://fo.test/')
    const started = Date.now()
    await t.handshakesUnderway(100)
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    expect(proxy.connections).toBe(1)
  })
})
