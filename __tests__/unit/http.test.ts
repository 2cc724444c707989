import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import { createServer, type Server as HttpServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTransport, TimeoutError, type Transport } from '../../src/transport/http.js'
import {
  closedPort,
  createTestCa,
  startFaultServer,
  type AltName,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { isolateProxyEnvironment } from '../../__fixtures__/proxy-environment.js'
import { dripBytes, startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'
import { trustInProcess } from '../../__fixtures__/trusted-ca.js'

// The transport in process, against real sockets on loopback: the deadline, its tunnel, and
// which redirects it follows.

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

async function raw(...args: Parameters<typeof startRawServer>): Promise<RawServer> {
  const server = await startRawServer(...args)
  servers.push(server)
  return server
}

async function http(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: HttpServer = createServer(handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  servers.push({
    close: () => {
      server.closeAllConnections()
      return new Promise(resolve => server.close(() => resolve()))
    }
  })
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

function open(timeoutMs: number, followRedirects = false): Transport {
  transport = createTransport({ timeoutMs, followRedirects })
  return transport
}

/** A plain HTTP fault server, closed after the file. */
async function fault(): Promise<FaultServer> {
  const server = await startFaultServer()
  servers.push(server)
  return server
}

/** An HTTPS fault server, for 127.0.0.1 unless named otherwise, whose CA this process trusts until the file ends. */
let ca: TestCa | undefined
async function secureFault(name: AltName = { ip: '127.0.0.1' }): Promise<FaultServer> {
  if (!ca) {
    ca = await createTestCa()
    const restore = trustInProcess(readFileSync(ca.caFile, 'utf8'))
    const created = ca
    servers.push({ close: async () => (restore(), created.close()) })
  }
  const server = await startFaultServer(await ca.issue([name]))
  servers.push(server)
  return server
}

/** Redirects every request to `location` with `status`. */
function redirectTo(server: FaultServer, location: (n: number) => string, status = 302): void {
  let count = 0
  server.handle((_req, res) => {
    res.writeHead(status, { Location: location(++count) })
    res.end('moved')
  })
}

describe('the timeout-sec deadline', () => {
  it('ends a request whose headers trickle in, though bytes keep coming', async () => {
    const server = await raw(socket => {
      socket.once(
        'data',
        () => void dripBytes(socket, `HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(200)}`, 20)
      )
    })
    const started = Date.now()
    const sent = open(300).send({
      method: 'GET',
      url: `http://127.0.0.1:${server.port}/`,
      headers: {}
    })

    await expect(sent).rejects.toThrow(TimeoutError)
    await expect(sent).rejects.toThrow('no response within 0.3 s (timeout-sec)')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('ends a CONNECT that the proxy never answers, closing the connection to the proxy', async () => {
    let proxySideClosed: Promise<void> | undefined
    const proxy = await raw(socket => {
      proxySideClosed = new Promise(resolve => socket.once('close', () => resolve()))
    })
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const sent = open(300).send({ method: 'GET', url: 'https://fo.test/', headers: {} })

    await expect(sent).rejects.toThrow('no response within 0.3 s (timeout-sec)')
    expect(proxy.received).toMatch(/^CONNECT fo\.test:443 HTTP\/1\.1\r\n/)
    // The deadline destroyed the connection to the proxy, which sees it close (no fixed window:
    // a connection left open would hold this until the test's timeout).
    await expect(proxySideClosed).resolves.toBeUndefined()
  })

  it('stops at the headers: a body that follows slowly is the reader’s to bound', async () => {
    const url = await http(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.write('first')
      await sleep(500)
      res.end(' and last')
    })
    const response = await open(300).send({ method: 'GET', url, headers: {} })
    const parts: Buffer[] = []
    for await (const chunk of response.body) parts.push(chunk as Buffer)

    expect(response.status).toBe(200)
    expect(Buffer.concat(parts).toString()).toBe('first and last')
  })

  it('with 0 sets no deadline', async () => {
    const url = await http(async (_req, res) => {
      await sleep(400)
      res.end('late')
    })
    const response = await open(0).send({ method: 'GET', url, headers: {} })
    response.body.resume()
    await once(response.body, 'end')

    expect(response.status).toBe(200)
  })
})

describe('through a proxy tunnel', () => {
  it('reports a refused tunnel with the proxy’s status, without its credentials', async () => {
    const proxy = await raw(socket => {
      socket.once('data', () => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'))
    })
    process.env['HTTPS_PROXY'] = `http://user:pa55word@127.0.0.1:${proxy.port}`
    const sent = open(2000).send({ method: 'GET', url: 'https://fo.test/', headers: {} })

    await expect(sent).rejects.toThrow(
      `proxy http://127.0.0.1:${proxy.port} refused the tunnel to fo.test:443: HTTP 407`
    )
    expect(proxy.received).toContain(
      `Proxy-Authorization: Basic ${Buffer.from('user:pa55word').toString('base64')}`
    )
  })

  it('carries a plain http request through the tunnel', async () => {
    const url = await http((req, res) => res.end(`seen ${req.url}`))
    const target = new URL(url)
    const proxy = await raw(socket => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n')
        // From here on the proxy relays bytes to the real server.
        const upstream = connect(Number(target.port), '127.0.0.1')
        socket.pipe(upstream).pipe(socket)
      })
    })
    process.env['HTTP_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const response = await open(2000).send({
      method: 'GET',
      url: 'http://fo.test/path',
      headers: {}
    })
    const parts: Buffer[] = []
    for await (const chunk of response.body) parts.push(chunk as Buffer)

    expect(proxy.received).toMatch(/^CONNECT fo\.test:80 HTTP\/1\.1\r\n/)
    expect(Buffer.concat(parts).toString()).toBe('seen /path')
  })
})

describe('every request', () => {
  it('names the action as User-Agent and states the body’s length', async () => {
    let seen: Record<string, string | undefined> = {}
    const url = await http((req, res) => {
      seen = { agent: req.headers['user-agent'], length: req.headers['content-length'] }
      req.resume()
      res.end()
    })
    const response = await open(2000).send({
      method: 'POST',
      url,
      headers: {},
      body: Buffer.from('{"é":1}')
    })
    response.body.resume()

    expect(seen).toEqual({ agent: 'd365fo-rest-endpoint-action', length: '8' })
  })

  it('is refused once the transport is closed', async () => {
    const server = await fault()
    const closed = open(2000)
    closed.close()

    await expect(closed.send({ method: 'GET', url: server.url, headers: {} })).rejects.toThrow(
      'the transport is closed'
    )
    expect(server.requests).toEqual([])
  })
})

describe('redirects', () => {
  it('are not followed unless asked: the 3xx is the answer', async () => {
    const server = await fault()
    redirectTo(server, () => '/elsewhere')
    const response = await open(2000).send({ method: 'POST', url: `${server.url}/a`, headers: {} })
    response.body.resume()

    expect(response.status).toBe(302)
    expect(response.headers['location']).toBe('/elsewhere')
    expect(server.requests.map(r => r.path)).toEqual(['/a'])
  })

  it('within the origin keep Authorization', async () => {
    const server = await fault()
    server.handle((req, res) => {
      if (req.url === '/a') res.writeHead(301, { Location: '/b?x=1' }).end()
      else res.writeHead(200).end('arrived')
    })
    const response = await open(2000, true).send({
      method: 'GET',
      url: `${server.url}/a`,
      headers: { Authorization: 'Bearer t0ken' }
    })
    response.body.resume()

    expect(response.status).toBe(200)
    expect(server.requests.map(r => [r.path, r.authorization])).toEqual([
      ['/a', 'Bearer t0ken'],
      ['/b', 'Bearer t0ken']
    ])
  })

  it('to another origin drop Authorization', async () => {
    const first = await fault()
    const second = await fault()
    redirectTo(first, () => `${second.url}/there`, 307)
    const response = await open(2000, true).send({
      method: 'GET',
      url: `${first.url}/here`,
      headers: { authorization: 'Bearer t0ken' }
    })
    response.body.resume()

    expect(response.status).toBe(200)
    expect(first.requests.map(r => r.authorization)).toEqual(['Bearer t0ken'])
    expect(second.requests.map(r => [r.path, r.authorization])).toEqual([['/there', undefined]])
  })

  it('from https to http are refused, naming the target without its query', async () => {
    const secure = await secureFault()
    const plain = await fault()
    redirectTo(secure, () => `${plain.url}/open?code=123`)
    const sent = open(2000, true).send({
      method: 'GET',
      url: `${secure.url}/start`,
      headers: { Authorization: 'Bearer t0ken' }
    })

    await expect(sent).rejects.toThrow(
      `refused the redirect (HTTP 302) from https to ${plain.url}/open`
    )
    await expect(sent).rejects.not.toThrow('code=123')
    expect(plain.requests).toEqual([])
  })

  it('stop after five', async () => {
    const server = await fault()
    redirectTo(server, n => `/hop${n}`)
    const sent = open(2000, true).send({ method: 'GET', url: `${server.url}/hop0`, headers: {} })

    await expect(sent).rejects.toThrow('more than 5 redirects')
    expect(server.requests).toHaveLength(6)
  })
})

describe('a tunnel that does not open', () => {
  it('a proxy that refuses the connection: named without its credentials, with the code', async () => {
    const port = await closedPort()
    process.env['HTTPS_PROXY'] = `http://user:pa55word@127.0.0.1:${port}`
    const sent = open(2000).send({ method: 'GET', url: 'https://fo.test/', headers: {} })

    await expect(sent).rejects.toThrow(`proxy http://127.0.0.1:${port}: connect ECONNREFUSED`)
    await expect(sent).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await expect(sent).rejects.not.toThrow('pa55word')
  })

  it('a proxy that sends bytes before the tunnel is open: refused', async () => {
    const proxy = await raw(socket => {
      socket.once('data', () =>
        socket.write('HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\n')
      )
    })
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const sent = open(2000).send({ method: 'GET', url: 'https://fo.test/', headers: {} })

    await expect(sent).rejects.toThrow(
      `proxy http://127.0.0.1:${proxy.port} sent data before the tunnel to fo.test:443 was open`
    )
  })
})

describe('https through a proxy tunnel', () => {
  it('speaks TLS to the target inside the tunnel and checks its certificate', async () => {
    // Loopback never goes through a proxy: the target is named, and the proxy knows where it is.
    const target = await secureFault({ dns: 'fo.test' })
    const proxy = await raw(socket => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n')
        const upstream = connect(target.port, '127.0.0.1')
        socket.pipe(upstream).pipe(socket)
      })
    })
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const response = await open(2000).send({
      method: 'GET',
      url: `https://fo.test:${target.port}/secure`,
      headers: {}
    })
    response.body.resume()

    expect(response.status).toBe(200)
    expect(proxy.received).toMatch(new RegExp(`^CONNECT fo\\.test:${target.port} `))
    // What the proxy relayed was encrypted: the path is not in it.
    expect(proxy.received).not.toContain('/secure')
    expect(target.requests.map(r => r.path)).toEqual(['/secure'])
  })
})

describe('redirects on a transport many calls share', () => {
  it('follows them for a GET only, even when the transport follows redirects (many calls share one)', async () => {
    const seen: string[] = []
    const base = await http((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/moved') {
        res.writeHead(307, { Location: '/here' }).end()
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
      }
    })
    transport = createTransport({ timeoutMs: 5000, followRedirects: true })
    const get = await transport.send({ method: 'GET', url: `${base}/moved`, headers: {} })
    get.body.resume()
    expect(get.status).toBe(200)
    const post = await transport.send({
      method: 'POST',
      url: `${base}/moved`,
      headers: {},
      body: Buffer.from('{}')
    })
    post.body.resume()
    expect(post.status).toBe(307)
    expect(seen).toEqual(['GET /moved', 'GET /here', 'POST /moved'])
  })
})
