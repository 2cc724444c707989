import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { startDelayRelay } from '../../bench/delay-relay.mjs'

// The latency scenarios' figures rest on the relay adding the round-trip time and nothing else:
// every byte through, in order, both ways, the end of each direction passed on, the delay each
// way and the handshake's round trip before the first byte. Only lower bounds on time: a busy
// machine can only make it slower.
let echo: Server
let echoPort: number

beforeAll(async () => {
  // Echoes everything and ends when the client ends.
  echo = createServer({ allowHalfOpen: true }, socket => socket.pipe(socket))
  await new Promise<void>(resolve => echo.listen(0, '127.0.0.1', resolve))
  echoPort = (echo.address() as { port: number }).port
})
afterAll(async () => {
  await new Promise(resolve => echo.close(resolve))
})

/** Connects through the relay, sends `data` and ends; resolves with all it got back. */
function roundTrip(port: number, data: Buffer): Promise<{ echoed: Buffer; firstByteMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let firstByteMs = NaN
    const chunks: Buffer[] = []
    const socket: Socket = connect({ port, host: '127.0.0.1' }, () => socket.end(data))
    socket.on('data', (chunk: Buffer) => {
      if (chunks.length === 0) firstByteMs = performance.now() - started
      chunks.push(chunk)
    })
    socket.on('end', () => resolve({ echoed: Buffer.concat(chunks), firstByteMs }))
    socket.on('error', reject)
  })
}

const digest = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

describe('the delay relay', () => {
  it('passes every byte through, in order, both ways, with no delay', async () => {
    const relay = await startDelayRelay({ targetPort: echoPort })
    try {
      const data = randomBytes(3 * 1024 * 1024 + 17)
      const { echoed } = await roundTrip(relay.port, data)
      expect(echoed.length).toBe(data.length)
      expect(digest(echoed)).toBe(digest(data))
      expect(relay.connections()).toBe(1)
    } finally {
      await relay.close()
    }
  })

  it('holds a large transfer back without losing or reordering bytes, at a delay', async () => {
    const relay = await startDelayRelay({ targetPort: echoPort, oneWayMs: 5 })
    try {
      const data = randomBytes(4 * 1024 * 1024 + 3)
      const { echoed } = await roundTrip(relay.port, data)
      expect(digest(echoed)).toBe(digest(data))
    } finally {
      await relay.close()
    }
  })

  it('delays the first byte back by the handshake round trip plus the way there and back', async () => {
    const oneWayMs = 40
    const relay = await startDelayRelay({ oneWayMs })
    relay.forwardTo(echoPort)
    try {
      const { echoed, firstByteMs } = await roundTrip(relay.port, Buffer.from('ping'))
      expect(echoed.toString()).toBe('ping')
      // SYN/SYN-ACK (2 × one way), then there and back: 4 × one way; timers may fire 1 ms early.
      expect(firstByteMs).toBeGreaterThanOrEqual(4 * oneWayMs - 4)

      relay.setOneWayDelay(0)
      const quick = await roundTrip(relay.port, Buffer.from('pong'))
      expect(quick.echoed.toString()).toBe('pong')
      expect(relay.connections()).toBe(2)
    } finally {
      await relay.close()
    }
  })
})
