import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { setTimeout as sleep } from 'node:timers/promises'
import { runAction, type ActionRun, type RunOptions } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { dripBytes, startRawServer, type RawServer } from '../../__fixtures__/raw-server.js'

// timeout-sec is a deadline from connecting to the last response header, whatever stands in the
// way (a proxy, a TLS handshake, headers that trickle), and the step always ends on its own.

const token = 'fault-deadline-token-51c0e7'
const serviceName = 'FaultGroup/FaultService/Op'
const servicePath = `/api/services/${serviceName}`
// A hung action is a failed test, not a hung suite; every test below expects its own exit long before.
const killAfterMs = 20_000
// The first bytes of a TLS ClientHello: a handshake record, protocol version 3.x.
const TlsHandshakeRecord = '\x16\x03'

let ca: TestCa
let server: FaultServer
const raw: RawServer[] = []

beforeAll(async () => {
  ca = await createTestCa()
  server = await ca.issue([{ ip: '127.0.0.1' }]).then(startFaultServer)
})
afterAll(async () => {
  await Promise.all([server.close(), ...raw.map(r => r.close())])
  await ca.close()
})
beforeEach(() => {
  server.reset()
})

/** Starts a raw server that afterAll closes. */
async function rawServer(...args: Parameters<typeof startRawServer>): Promise<RawServer> {
  const started = await startRawServer(...args)
  raw.push(started)
  return started
}

/** A POST with the token to `url`, trusting the test CA. */
function call(url: string, options: Partial<RunOptions> = {}): Promise<ActionRun> {
  return runAction({
    killAfterMs,
    ...options,
    inputs: { 'service-name': serviceName, url, token, payload: '{}', ...options.inputs },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile, ...options.env }
  })
}

function expectTimeout(result: ActionRun, url: string, seconds: number): void {
  const escaped = url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  expectFailure(
    result,
    new RegExp(
      `^POST ${escaped}${servicePath} failed: no response within ${seconds} s \\(timeout-sec\\) — ` +
        // A POST that timed out may have run: it is not sent again without retry-on: network.
        'the operation may still be running on the server, so it was not sent again ' +
        '\\(retry-on: network re-sends it when the operation is safe to repeat\\)$'
    )
  )
  expectOutputs(result, { status: '', attempts: '1' })
  expectNoSecretLeaks(result, [token])
}

describe('behind HTTPS_PROXY', () => {
  it('gives up on a proxy that never answers CONNECT after timeout-sec, and the step exits', async () => {
    // Accepts the connection, reads the CONNECT request, and says nothing.
    const proxy = await rawServer(() => undefined)
    const result = await call('https://fo.test', {
      inputs: { 'timeout-sec': '1' },
      env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }
    })

    expectTimeout(result, 'https://fo.test', 1)
    expect(proxy.received).toMatch(/^CONNECT fo\.test:443 HTTP\/1\.1\r\n/)
    // Exited on its own (a killed step has no exit code: expectTimeout wants 1), while the proxy
    // still holds the connection; not before the deadline.
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(1000)
  })

  it('gives up when the tunnel opens and the server behind it never completes TLS, and the step exits', async () => {
    const proxy = await rawServer(socket => {
      socket.once('data', () => void socket.write('HTTP/1.1 200 Connection established\r\n\r\n'))
    })
    const result = await call('https://fo.test', {
      inputs: { 'timeout-sec': '1' },
      env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }
    })

    expectTimeout(result, 'https://fo.test', 1)
    // The client's TLS hello went into the tunnel: the deadline covered the handshake behind it.
    const [connect, tunnelled] = proxy.received.split('\r\n\r\n')
    expect(connect).toMatch(/^CONNECT fo\.test:443 HTTP\/1\.1\r\n/)
    expect(tunnelled.slice(0, 2)).toBe(TlsHandshakeRecord)
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(1000)
  })
})

describe('TLS', () => {
  it('gives up on a TLS handshake that is never answered after timeout-sec once, not twice', async () => {
    const silent = await rawServer(() => undefined)
    const url = `https://127.0.0.1:${silent.port}`
    const result = await call(url, { inputs: { 'timeout-sec': '2' } })

    expectTimeout(result, url, 2)
    expect(silent.received.slice(0, 2)).toBe(TlsHandshakeRecord)
    // Twice timeout-sec would be at least 4000 ms: below that, one deadline covered connect and
    // handshake (with two seconds of room for a late timer on a starved machine).
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(2000)
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(4000)
  })
})

describe('headers that trickle', () => {
  it('gives up on headers sent a byte at a time after timeout-sec, though bytes keep coming', async () => {
    const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: ${'a'.repeat(300)}`
    const dripping = await rawServer(socket => {
      socket.once('data', () => void dripBytes(socket, head, 50))
    })
    const url = `http://127.0.0.1:${dripping.port}`
    const result = await call(url, { inputs: { 'timeout-sec': '1' } })

    expectTimeout(result, url, 1)
    expect(dripping.received).toMatch(new RegExp(`^POST ${servicePath} HTTP/1\\.1\\r\\n`))
    // The deadline's message, long before the last header byte (at 50 ms a byte, past 15 s):
    // a limit reset by each byte would never have fired.
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(10_000)
  })
})

describe('a throttled answer whose body never ends', () => {
  it('retries after Retry-After without waiting for the body, within retry-timeout', async () => {
    server.handle(async (_req, res) => {
      if (server.requests.length > 1) {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"Done":true}')
        return
      }
      res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' })
      // A byte every 50 ms: never a stall, never an end.
      while (!res.destroyed && !res.socket?.destroyed) {
        res.write(' ')
        await sleep(50)
      }
    })
    const result = await call(server.url, {
      inputs: { 'timeout-sec': '5', 'retry-timeout': '00:00:10' }
    })

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '2' })
    expect(result.outputs['response']).toBe('{"Done":true}')
    // It retried at all, so it never waited for the endless body; and not before Retry-After.
    const [first, second] = server.requests
    expect(second.time - first.time).toBeGreaterThanOrEqual(950)
    expectNoSecretLeaks(result, [token])
  })

  it('when given up on, its body is dropped after 5 s and the step ends with the 429', async () => {
    server.handle(async (_req, res) => {
      res.writeHead(429, { 'Retry-After': '3600', 'Content-Type': 'application/json' })
      res.write('{"Message":"Too many requests."')
      // A byte every 50 ms: never a stall (timeout-sec), never an end.
      while (!res.destroyed && !res.socket?.destroyed) {
        res.write(' ')
        await sleep(50)
      }
    })
    const result = await call(server.url, {
      inputs: { 'timeout-sec': '5', 'retry-timeout': '00:00:10' }
    })

    expectFailure(
      result,
      /HTTP 429 Too Many Requests — Retry-After asks for 3600 s but retry-timeout leaves \d+(\.\d)? s \(1 attempt\) \(its body was dropped: still arriving after 5 s\)$/
    )
    expectOutputs(result, { status: '429', attempts: '1' })
    expect(server.requests).toHaveLength(1)
    // Ended by the 5 s bound, not by the server: it never stops sending.
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(4900)
    expectNoSecretLeaks(result, [token])
  })
})
