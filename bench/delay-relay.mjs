// @ts-check
/**
 * A loopback TCP relay that puts a network's round-trip time between a client and the simulator:
 * every chunk waits the one-way delay in each direction, and a new connection's first bytes wait
 * one round trip more, as a real client's first bytes leave only once the TCP handshake is done.
 * It relays bytes as they are (TLS passes through), so the client verifies the simulator's
 * certificate, which covers 127.0.0.1 and localhost. Round-trip time = 2 × the one-way delay.
 * @module
 */
import { connect, createServer } from 'node:net'
import { performance } from 'node:perf_hooks'

/** Bytes a direction may hold back before it stops reading (the sender then waits). */
const HighWaterBytes = 1024 * 1024

/**
 * @typedef {object} DelayRelay
 * @property {number} port Where clients connect, on 127.0.0.1.
 * @property {string} url `https://127.0.0.1:<port>` (a TLS server behind it).
 * @property {() => number} connections How many connections it accepted.
 * @property {(oneWayMs: number) => void} setOneWayDelay Applies to connections accepted later.
 * @property {(port: number) => void} forwardTo The port on 127.0.0.1 to relay to.
 * @property {() => Promise<void>} close Ends every connection and stops listening.
 */

/**
 * Starts a relay on 127.0.0.1.
 * @param {{ targetPort?: number, oneWayMs?: number }} [options] Where to relay to (else set
 *   later with forwardTo) and the one-way delay (default 0: bytes pass at once).
 * @returns {Promise<DelayRelay>}
 */
export async function startDelayRelay(options = {}) {
  let targetPort = options.targetPort
  let oneWayMs = options.oneWayMs ?? 0
  let accepted = 0
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  // noDelay: Nagle's algorithm would hold small writes back for an ACK, a delay of its own.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, client => {
    accepted++
    if (targetPort === undefined) {
      client.destroy()
      return
    }
    const delay = oneWayMs
    const acceptedAt = performance.now()
    const upstream = connect({
      port: targetPort,
      host: '127.0.0.1',
      allowHalfOpen: true,
      noDelay: true
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    // SYN and SYN-ACK: the client's first byte leaves one round trip after it dialled.
    delayed(client, upstream, delay, acceptedAt + 2 * delay)
    delayed(upstream, client, delay, acceptedAt)
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('The delay relay has no port')
  const port = address.port

  return {
    port,
    url: `https://127.0.0.1:${port}`,
    connections: () => accepted,
    setOneWayDelay(ms) {
      oneWayMs = ms
    },
    forwardTo(target) {
      targetPort = target
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}

/**
 * Relays `from` to `to`, each chunk (and the end) `delayMs` after it arrived, and never before
 * `notBefore` + `delayMs`; order is kept, since every item waits the same.
 * @param {import('node:net').Socket} from
 * @param {import('node:net').Socket} to
 * @param {number} delayMs
 * @param {number} notBefore performance.now() time before which nothing counts as sent.
 */
function delayed(from, to, delayMs, notBefore) {
  /** @type {{ at: number, chunk?: Buffer }[]} */
  const queue = []
  let held = 0
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer

  const deliver = () => {
    timer = undefined
    const now = performance.now()
    // Timers fire up to a millisecond early or late; half a millisecond early counts as due.
    while (queue.length > 0 && queue[0].at <= now + 0.5) {
      const item = /** @type {{ at: number, chunk?: Buffer }} */ (queue.shift())
      if (!item.chunk) {
        to.end()
        continue
      }
      held -= item.chunk.length
      if (!to.destroyed) to.write(item.chunk)
    }
    if (held < HighWaterBytes && !to.writableNeedDrain) from.resume()
    schedule()
  }
  const schedule = () => {
    if (timer || queue.length === 0) return
    timer = setTimeout(deliver, Math.max(0, queue[0].at - performance.now()))
  }
  /** @param {Buffer | undefined} chunk */
  const enqueue = chunk => {
    const at = Math.max(performance.now(), notBefore) + delayMs
    if (delayMs === 0 && queue.length === 0 && at <= performance.now()) {
      // No delay: bytes pass at once, so a relay at RTT 0 adds no timer.
      if (chunk) to.write(chunk)
      else to.end()
      return
    }
    queue.push({ at, chunk })
    if (chunk) held += chunk.length
    schedule()
  }

  from.on('data', (/** @type {Buffer} */ chunk) => {
    enqueue(chunk)
    if (held >= HighWaterBytes || to.writableNeedDrain) from.pause()
  })
  to.on('drain', () => {
    if (held < HighWaterBytes) from.resume()
  })
  let ended = false
  from.on('end', () => {
    ended = true
    enqueue(undefined)
  })
  // A close without an end (a reset) reaches the other side after the delay too; an orderly
  // end travels through the queue, behind the bytes still in flight.
  from.on('close', () => {
    if (ended) return
    const at = Math.max(performance.now(), notBefore) + delayMs
    setTimeout(() => to.destroy(), Math.max(0, at - performance.now()) + 1).unref()
  })
}
