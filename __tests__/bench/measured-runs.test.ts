import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runProcess, type ProcessRun } from '../../bench/measure.mjs'
import { DemandedMs, ThrottleCount, throttledAnswers } from '../../bench/scenarios/throttled.mjs'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// What the benchmark's figures assume of the runs it measures: the floor makes the request the
// token call makes (so their ratio is the action's own cost), nothing else is sent, and the
// throttled scenario costs one request and one attempt per answer.
const token = 'bench-measured-static-token'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const large = 'SimTestService/EchoService/Large'
const floorScript = fileURLToPath(new URL('../../bench/floor.mjs', import.meta.url))

const sim = useSimulator({ staticTokens: [token] })
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-floor-'))
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

function floor(operation: string, env: Record<string, string> = {}): Promise<ProcessRun> {
  return runProcess({
    node: process.execPath,
    script: floorScript,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_EXTRA_CA_CERTS: sim().caFile,
      BENCH_FLOOR_URL: `${sim().url}/api/services/${operation}`,
      BENCH_FLOOR_TOKEN: token,
      ...env
    },
    cwd: scratch
  })
}

/** What the simulator received, as the parts both runs must agree on. */
function received(): object[] {
  return sim().requests.map(r => ({
    kind: r.kind,
    method: r.method,
    url: r.url,
    authorization: r.headers['authorization'],
    accept: r.headers['accept'],
    body: r.body
  }))
}

describe('the floor', () => {
  it('sends exactly the one request a call with a given token sends', async () => {
    const floorRun = await floor(sessionInfo)
    expect(floorRun.exitCode).toBe(0)
    expect(floorRun.stdout).toMatch(/^status=200 bytes=[1-9]\d*\n$/)
    const byFloor = received()
    sim().reset()

    // GET, as the floor and the bench's calls send: method auto would POST to the operation.
    const call = await runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, method: 'GET', url: sim().url, token }
    })
    expect(call.exitCode).toBe(0)
    expect(byFloor).toEqual([
      {
        kind: 'service',
        method: 'GET',
        url: `/api/services/${sessionInfo}`,
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        body: ''
      }
    ])
    expect(received()).toEqual(byFloor)
  })

  it('pipes the whole large body to its file', async () => {
    const file = path.join(scratch, 'body.json')
    const bytes = 1024 * 1024 + 7
    const run = await floor(large, {
      BENCH_FLOOR_PAYLOAD: JSON.stringify({ bytes }),
      BENCH_FLOOR_FILE: file
    })

    expect(run.exitCode).toBe(0)
    expect(run.stdout).toBe(`status=200 bytes=${bytes}\n`)
    expect((await stat(file)).size).toBe(bytes)
    expect((await readFile(file, 'utf8')).startsWith('{"')).toBe(true)
  })

  it('measures peak RSS of the child, not of the parent', async () => {
    const run = await runProcess({
      node: process.execPath,
      script: floorScript,
      env: { PATH: process.env['PATH'] ?? '' },
      cwd: scratch,
      measureRss: true
    })
    // No URL: the floor fails fast, but it still started Node, which takes more than 10 MiB.
    expect(run.exitCode).toBe(1)
    expect(run.maxRssKb).toBeGreaterThan(10 * 1024)
    expect(run.stderr).not.toMatch(/peak-rss/)
  })
})

describe('the throttled scenario', () => {
  it(`costs one request and one attempt per answer: ${ThrottleCount}× 429, then 200`, async () => {
    sim().script(sessionInfo, throttledAnswers())

    const run = await runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, url: sim().url, token }
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['status']).toBe('200')
    expect(run.outputs['attempts']).toBe(String(ThrottleCount + 1))
    expect(sim().requests.map(r => `${r.kind} ${r.status}`)).toEqual([
      ...Array.from({ length: ThrottleCount }, () => 'service 429'),
      'service 200'
    ])
    expect(Number(run.outputs['elapsed-ms'])).toBeGreaterThanOrEqual(DemandedMs)
  })
})
