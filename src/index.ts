// The action's entry point. Tests import main.ts instead, so nothing starts.
import { openEarlyConnections } from './early-connections.js'

/**
 * How long the code waits for the early connections to be on the wire before it is evaluated,
 * which blocks the event loop: long enough for a loopback or LAN connect, whose TLS handshake then
 * runs meanwhile; shorter than evaluating the code, which over a longer round trip runs while
 * the TCP handshake does.
 */
const ConnectHeadStartMs = 5

const early = openEarlyConnections()
early
  .underway(ConnectHeadStartMs)
  // Eager: the code stays in index.js, but is evaluated only now.
  .then(() => import(/* webpackMode: "eager" */ './main.js'))
  .then(
    ({ run }) => run(early),
    (error: unknown) => {
      early.close()
      process.exitCode = 1
      process.stdout.write(`::error::The action could not load: ${String(error).split('\n')[0]}\n`)
    }
  )
