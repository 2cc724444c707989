// @ts-check
/**
 * The floor: the least a process can do to make the action's request. A bare `node:https`
 * request with the same bearer token and Accept header, nothing bundled. Every figure of the
 * benchmark is given as a ratio to this script, measured in the same run.
 *
 * Environment: BENCH_FLOOR_URL (the endpoint), BENCH_FLOOR_TOKEN (the bearer token), and
 * NODE_EXTRA_CA_CERTS for the simulator's CA, as the action gets it. With BENCH_FLOOR_PAYLOAD
 * the request is a POST of that JSON, and with BENCH_FLOOR_FILE the body is piped to that file
 * (the large-body floor); otherwise it is a GET whose body is read and dropped.
 *
 * With BENCH_FLOOR_SIGN_IN (JSON: tokenUrl, dial `{ host, port }` — where to connect instead of
 * the token URL's host, whose name the certificate is still checked against — clientId,
 * clientSecret, scope) the token comes from one client-credentials request first: the least a
 * client-secret sign-in costs. With BENCH_FLOOR_OVERLAP=1 the TLS connection to the endpoint is
 * opened while the token is requested, and the request goes over it.
 * @module
 */
import { request } from 'node:https'
import { isIP } from 'node:net'
import { connect } from 'node:tls'

const url = process.env['BENCH_FLOOR_URL'] ?? ''
const payload = process.env['BENCH_FLOOR_PAYLOAD']
const file = process.env['BENCH_FLOOR_FILE']
const signIn = process.env['BENCH_FLOOR_SIGN_IN']
const overlap = process.env['BENCH_FLOOR_OVERLAP'] === '1'

/** @param {unknown} error */
const fail = error => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}

// Loaded only for the large-body floor, so the GET floor loads nothing it does not need.
const sink = file
  ? await Promise.all([import('node:fs'), import('node:stream/promises')])
  : undefined

const early = overlap ? preconnect(new URL(url)) : undefined
try {
  const token = signIn
    ? await fetchToken(JSON.parse(signIn))
    : (process.env['BENCH_FLOOR_TOKEN'] ?? '')
  call(token)
} catch (error) {
  early?.destroy()
  fail(error)
}

/** @param {string} token */
function call(token) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' }
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json;charset=utf-8'
    headers['Content-Length'] = String(Buffer.byteLength(payload))
  }
  request(
    url,
    {
      method: payload === undefined ? 'GET' : 'POST',
      headers,
      // Without an agent: with `agent: false` Node would ignore createConnection.
      ...(early ? { createConnection: () => early } : {})
    },
    async res => {
      let bytes = 0
      res.on('data', (/** @type {Buffer} */ chunk) => (bytes += chunk.length))
      if (sink && file) {
        const [{ createWriteStream }, { pipeline }] = sink
        await pipeline(res, createWriteStream(file))
      } else {
        await new Promise(resolve => res.on('end', resolve))
      }
      process.stdout.write(`status=${res.statusCode} bytes=${bytes}\n`)
      process.exitCode = res.statusCode === 200 ? 0 : 1
      // A connection of its own is not an agent's idle one, which would not hold the process.
      early?.destroy()
    }
  )
    .on('error', fail)
    .end(payload)
}

/**
 * A TLS connection to the endpoint's host, opened now.
 * @param {URL} target
 */
function preconnect(target) {
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
  const socket = connect({
    host,
    port: Number(target.port || 443),
    ...(isIP(host) ? {} : { servername: host })
  })
  // The request takes the socket's errors over; until then one must not crash the floor.
  socket.on('error', () => undefined)
  return socket
}

/**
 * One client-credentials token request.
 * @param {{ tokenUrl: string, dial: { host: string, port: number }, clientId: string, clientSecret: string, scope: string }} signIn
 * @returns {Promise<string>} The access token.
 */
function fetchToken(signIn) {
  const target = new URL(signIn.tokenUrl)
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: signIn.clientId,
    client_secret: signIn.clientSecret,
    scope: signIn.scope
  }).toString()
  return new Promise((resolve, reject) => {
    request(
      {
        host: signIn.dial.host,
        port: signIn.dial.port,
        servername: target.hostname,
        method: 'POST',
        path: target.pathname,
        headers: {
          Host: target.host,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': String(Buffer.byteLength(form))
        }
      },
      res => {
        /** @type {Buffer[]} */
        const chunks = []
        res.on('data', chunk => chunks.push(chunk))
        res.on('end', () => {
          const token = JSON.parse(Buffer.concat(chunks).toString('utf8'))['access_token']
          if (res.statusCode === 200 && typeof token === 'string') resolve(token)
          else reject(new Error(`token request: HTTP ${res.statusCode}`))
        })
      }
    )
      .on('error', reject)
      .end(form)
  })
}
