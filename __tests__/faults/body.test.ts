import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { fromActionPath, runAction, type ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import {
  createTestCa,
  drip,
  jsonHeaders,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { useSimulator } from '../../__fixtures__/simulator.js'

// Faults after the headers: the body breaks off, comes short, trickles, or stops.

const token = 'fault-body-token-9c2e51'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ staticTokens: [token] })
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

/** A POST with the given token to the fault server (or the simulator). */
function call(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: {
      'service-name': 'FaultGroup/FaultService/Op',
      url: server.url,
      token,
      payload: '{}',
      ...inputs
    },
    env: { NODE_EXTRA_CA_CERTS: inputs['url'] === sim().url ? sim().caFile : ca.caFile, ...env }
  })
}

const body = '{"Company":"USMF","Lines":[1,2,3,4,5]}'

describe('the body breaks off', () => {
  it.each(logModes)('fails on a reset mid-body, keeping the status ($mode)', async ({ env }) => {
    sim().script(sessionInfo, {
      body: { Company: 'USMF', Padding: 'x'.repeat(4096) },
      destroy: 'mid-body'
    })
    const result = await call({ url: sim().url, 'service-name': sessionInfo }, env)

    expectFailure(
      result,
      /^POST https:\/\/127\.0\.0\.1:\d+\/api\/services\/\S+ failed: ECONNRESET: aborted \(while reading the body of HTTP 200, after \d+ of \d+ bytes\)$/
    )
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(result.outputs['response']).toBe('')
    expect(sim().requests.filter(r => r.kind === 'service')).toHaveLength(1)
    expectNoSecretLeaks(result, [token])
  })

  it('fails at once on a body shorter than its Content-Length, without waiting out timeout-sec', async () => {
    server.handle(async (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' })
      res.write(body)
      await sleep(20)
      req.socket.end()
    })
    const result = await call({ 'timeout-sec': '5' })

    expectFailure(
      result,
      new RegExp(
        `^POST https://127\\.0\\.0\\.1:\\d+/api/services/FaultGroup/FaultService/Op failed: ECONNRESET: aborted \\(while reading the body of HTTP 200, after ${Buffer.byteLength(body)} of 1000 bytes\\)$`
      )
    )
    expectOutputs(result, { status: '200', attempts: '1' })
    // The cut connection ended it (its message, not the deadline's), well before timeout-sec.
    expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(5000)
    expect(server.requests).toHaveLength(1)
    expectNoSecretLeaks(result, [token])
  })
})

describe('timeout-sec bounds each stall, not the whole body', () => {
  it('succeeds when the body trickles in for longer than timeout-sec, each gap below it', async () => {
    const chunks = ['{"Company":', '"USMF",', '"Lines":', '[1,2,3,', '4,5]}']
    expect(chunks.join('')).toBe(body)
    // Each gap is 0.6 s, with 1.4 s to spare below timeout-sec for a late timer on a starved machine.
    server.handle(async (_req, res) => {
      await sleep(500)
      res.writeHead(200, jsonHeaders(body))
      await drip(res, chunks, 600)
    })
    const result = await call({ 'timeout-sec': '2' })

    expect(result.annotations).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(result.outputs['response']).toBe(body)
    expect(await readFile(fromActionPath(result.outputs['response-file'] ?? ''), 'utf8')).toBe(body)
    // The whole answer took longer than timeout-sec (2.9 s), so only the gaps were measured against it.
    expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(2800)
    expectNoSecretLeaks(result, [token])
  })

  it.each(logModes)(
    'fails when the body stalls for longer than timeout-sec, naming it ($mode)',
    async ({ env }) => {
      server.handle(async (_req, res) => {
        res.writeHead(200, jsonHeaders(body))
        res.write(body.slice(0, 12))
        // Silent until the client gives up and closes the connection.
        await once(res, 'close')
      })
      const result = await call({ 'timeout-sec': '1' }, env)

      expectFailure(
        result,
        /^POST https:\/\/127\.0\.0\.1:\d+\/api\/services\/FaultGroup\/FaultService\/Op failed: no response within 1 s \(timeout-sec\) \(while reading the body of HTTP 200, after \d+ (of \d+ )?bytes\)$/
      )
      expectOutputs(result, { status: '200', attempts: '1' })
      // The stall watchdog fired (its message says so), not before its second; the upper bound
      // only catches a limit in the wrong unit, with room for a starved machine.
      expect(Number(result.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(1000)
      expect(Number(result.outputs['elapsed-ms'])).toBeLessThan(10_000)
      expectNoSecretLeaks(result, [token])
    }
  )
})
