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
 * @module
 */
import { request } from 'node:https'

const url = process.env['BENCH_FLOOR_URL'] ?? ''
const token = process.env['BENCH_FLOOR_TOKEN'] ?? ''
const payload = process.env['BENCH_FLOOR_PAYLOAD']
const file = process.env['BENCH_FLOOR_FILE']

/** @type {Record<string, string>} */
const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' }
if (payload !== undefined) {
  headers['Content-Type'] = 'application/json;charset=utf-8'
  headers['Content-Length'] = String(Buffer.byteLength(payload))
}

// Loaded only for the large-body floor, so the GET floor loads nothing it does not need.
const sink = file
  ? await Promise.all([import('node:fs'), import('node:stream/promises')])
  : undefined

request(url, { method: payload === undefined ? 'GET' : 'POST', headers }, async res => {
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
})
  .on('error', error => {
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 1
  })
  .end(payload)
