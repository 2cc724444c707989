// The action's entry point. Tests import main.ts instead, so nothing starts.
import { HandshakeHeadStartMs } from './connection-pool.js'
import { openEarlyConnections } from './early-connections.js'

// The connections open first, and the rest of the action is evaluated once they are on the
// wire: evaluating blocks the event loop, and their handshakes then run meanwhile. (Eager: the
// code stays in index.js, but runs only when imported.)
const early = openEarlyConnections()
early
  .underway(HandshakeHeadStartMs)
  .then(() => import(/* webpackMode: "eager" */ './main.js'))
  .then(
    ({ run }) => run(early),
    (error: unknown) => {
      early.close()
      process.exitCode = 1
      process.stdout.write(`::error::The action could not load: ${String(error).split('\n')[0]}\n`)
    }
  )
