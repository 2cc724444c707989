import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { runAction, type ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'

// max-response-size bounds what a service answer may write to the runner's disk.

const token = 'fault-size-token-0a7d33'
const MiB = 1024 * 1024

let ca: TestCa
let server: FaultServer

beforeAll(async () => {
  ca = await createTestCa()
  server = await ca.issue([{ ip: '127.0.0.1' }]).then(startFaultServer)
})
afterAll(async () => {
  await server.close()
  await ca.close()
})
beforeEach(() => {
  server.reset()
})

function call(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    killAfterMs: 30_000,
    inputs: {
      'service-name': 'FaultGroup/FaultService/Op',
      url: server.url,
      token,
      payload: '{}',
      'response-file': 'out/body.json',
      ...inputs
    },
    env: { NODE_EXTRA_CA_CERTS: ca.caFile }
  })
}

/** Writes 64 KiB chunks, as fast as the client reads, until the connection closes. */
function endless(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' })
  const chunk = Buffer.alloc(64 * 1024, 'x')
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
  }
  res.on('drain', pump)
  pump()
}

/** Size of the response file the run left, 0 when there is none. */
async function fileSize(result: ActionRun): Promise<number> {
  const file = path.join(result.workspace, 'out', 'body.json')
  return stat(file).then(
    info => info.size,
    () => 0
  )
}

describe('max-response-size', () => {
  it('stops an endless body at the limit, naming the limit and the input', async () => {
    server.handle(endless)
    const result = await call({ 'max-response-size': '1MiB' })

    expectFailure(
      result,
      /^POST https:\/\/127\.0\.0\.1:\d+\/api\/services\/FaultGroup\/FaultService\/Op failed: the response body is larger than 1 MiB \(max-response-size\) \(while reading the body of HTTP 200, after \d+ bytes\)$/
    )
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(result.outputs['response']).toBe('')
    expect(await fileSize(result)).toBeLessThanOrEqual(MiB)
    expectNoSecretLeaks(result, [token])
  })

  it('accepts a body of exactly the limit (control: the limit is not off by one)', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(`"${'y'.repeat(MiB - 2)}"`)
    })
    const result = await call({ 'max-response-size': String(MiB) })

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(await fileSize(result)).toBe(MiB)
    expectNoSecretLeaks(result, [token])
  })

  it('with 0 (no limit) takes a body larger than any limit given above', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(`"${'z'.repeat(2 * MiB)}"`)
    })
    const result = await call({ 'max-response-size': '0' })

    expect(result.exitCode).toBe(0)
    expect(await fileSize(result)).toBe(2 * MiB + 2)
    expectNoSecretLeaks(result, [token])
  })

  it('refuses a size it cannot read before any request, naming the input', async () => {
    const result = await call({ 'max-response-size': '10MB' })

    expectFailure(
      result,
      /^Invalid max-response-size '10MB'\. Expected a whole number of bytes, or of KiB, MiB or GiB, e\.g\. 1073741824 or 1GiB \(0 = no limit\)\.$/
    )
    expect(server.requests).toEqual([])
    expectNoSecretLeaks(result, [token])
  })
})
