#!/usr/bin/env node
// @ts-check
/**
 * Starts a simulator and prints one JSON line describing it; runs until SIGINT / SIGTERM.
 *
 *   node sim/cli.mjs [--tenant T] [--client-id ID] [--client-secret S] [--static-token TOKEN]...
 *                    [--hostname NAME]... [--audience URL] [--port N] [--dir DIR] [--verbose]
 *                    [--throttle-rate R [--throttle-burst B]]
 *
 * Output: {"url","caFile","tenant","clientId","clientSecret","audience","oidcRequestUrl","oidcRequestToken"}
 * --verbose logs one line per request on stderr. --throttle-rate admits R F&O requests per second
 * (bursts of B, default R) and answers the others 429 with Retry-After.
 * @module
 */
import { parseArgs } from 'node:util'
import { startSimulator } from './index.mjs'

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'static-token': { type: 'string', multiple: true },
    hostname: { type: 'string', multiple: true },
    audience: { type: 'string' },
    port: { type: 'string' },
    dir: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'throttle-rate': { type: 'string' },
    'throttle-burst': { type: 'string' }
  },
  strict: true
})

const sim = await startSimulator({
  tenant: values.tenant,
  clients:
    values['client-id'] || values['client-secret']
      ? [
          {
            clientId: values['client-id'] ?? 'sim-client',
            clientSecret: values['client-secret'] ?? 'sim-secret'
          }
        ]
      : undefined,
  staticTokens: values['static-token'],
  hostnames: values.hostname,
  audience: values.audience,
  port: values.port === undefined ? undefined : Number(values.port),
  dir: values.dir,
  log: values.verbose ? line => process.stderr.write(`[sim] ${line}\n`) : undefined,
  throttle:
    values['throttle-rate'] === undefined
      ? undefined
      : {
          rate: Number(values['throttle-rate']),
          burst:
            values['throttle-burst'] === undefined ? undefined : Number(values['throttle-burst'])
        }
})

const [client] = sim.clients
process.stdout.write(
  `${JSON.stringify({
    url: sim.url,
    caFile: sim.caFile,
    tenant: sim.tenant,
    clientId: client?.clientId,
    clientSecret: client?.clientSecret,
    audience: sim.audience,
    oidcRequestUrl: sim.oidc.requestUrl,
    oidcRequestToken: sim.oidc.requestToken
  })}\n`
)

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  sim.close().then(
    () => process.exit(0),
    err => {
      process.stderr.write(`[sim] close failed: ${String(err)}\n`)
      process.exit(1)
    }
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
