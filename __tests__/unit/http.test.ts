import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import { createServer, type Server as HttpServer } from 'node:http'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTransport, TimeoutError, type Transport } from '../../src/http.js'
import { dripBytes, startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'

// The transport in process, against real sockets on loopback: the deadline and its tunnel.

const servers: { close(): Promise<void> }[] = []
let transport: Transport | undefined
const proxyVariables = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy'
]
const savedEnv = Object.fromEntries(proxyVariables.map(name => [name, process.env[name]]))

beforeAll(() => {
  for (const name of proxyVariables) delete process.env[name]
})
afterEach(() => {
  transport?.close()
  transport = undefined
  for (const name of proxyVariables) delete process.env[name]
})
afterAll(async () => {
  await Promise.all(servers.map(server => server.close()))
  for (const [name, value] of Object.entries(savedEnv))
    if (value !== undefined) process.env[name] = value
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

function open(timeoutMs: number): Transport {
  transport = createTransport({ timeoutMs, followRedirects: false })
  return transport
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
    let closed = false
    const proxy = await raw(socket => {
      socket.once('close', () => (closed = true))
    })
    process.env['HTTPS_PROXY'] = `http://127.0.0.1:${proxy.port}`
    const sent = open(300).send({ method: 'GET', url: 'https://fo.test/', headers: {} })

    await expect(sent).rejects.toThrow('no response within 0.3 s (timeout-sec)')
    expect(proxy.received).toMatch(/^CONNECT fo\.test:443 HTTP\/1\.1\r\n/)
    // The deadline destroyed the connection to the proxy, which sees it close.
    for (let waited = 0; !closed && waited < 2000; waited += 20) await sleep(20)
    expect(closed).toBe(true)
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

describe('redirects', () => {
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
