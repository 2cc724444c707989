import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { bundlePath } from '../../scripts/action-runner.mjs'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// The benchmark runs the action through the same harness as the tests, in lean runs: nothing
// added inside the measured process, nothing left behind, and a run it can stop on Ctrl-C.
const token = 'bench-lean-static-token'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const large = 'SimTestService/EchoService/Large'

const sim = useSimulator({ staticTokens: [token] })

describe('a lean run', () => {
  it('removes its folder, yet reports the response file size and its peak RSS', async () => {
    const bytes = 64 * 1024
    const run = await runAgainst(sim(), {
      inputs: {
        'service-name': large,
        payload: JSON.stringify({ bytes }),
        url: sim().url,
        token,
        'response-file': 'out/body.json'
      },
      bundle: bundlePath,
      measurePeakRss: true,
      lean: true
    })

    expect(run.exitCode).toBe(0)
    expect(run.responseFileBytes).toBe(bytes)
    expect(existsSync(run.outputs['response-file'])).toBe(false)
    expect(existsSync(run.workspace)).toBe(false)
    expect(run.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024)
    expect(run.stderr).not.toMatch(/peak-rss/)
  })

  it('is killed when its signal aborts, and the harness rejects', async () => {
    sim().script(sessionInfo, { hang: true })
    const stop = new AbortController()
    const running = runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, url: sim().url, token },
      lean: true,
      signal: stop.signal
    })
    // Stop only once the request has reached F&O, so the step is surely running.
    for (let waited = 0; sim().requests.length === 0 && waited < 15_000; waited += 20) {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    expect(sim().requests).toHaveLength(1)
    stop.abort()

    await expect(running).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('a run that is not lean', () => {
  it('keeps its workspace for the test to inspect', async () => {
    const run = await runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, url: sim().url, token },
      measurePeakRss: true
    })

    expect(run.exitCode).toBe(0)
    expect(existsSync(run.workspace)).toBe(true)
    expect(run.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024)
  })

  it('reports the step’s own peak RSS, not that of the big process that started it', async () => {
    // The harness's process holds 300 MiB, as a jest worker may after many test files: a child
    // it forks shares those pages until exec, and ru_maxrss inside the child would count them.
    const MiB = 1024 * 1024
    const ballast = Buffer.alloc(300 * MiB, 1)
    expect(process.memoryUsage.rss()).toBeGreaterThan(300 * MiB)
    const run = await runAgainst(sim(), {
      inputs: { 'service-name': sessionInfo, url: sim().url, token },
      measurePeakRss: true
    })

    expect(run.exitCode).toBe(0)
    expect(run.peakRssBytes).toBeGreaterThan(10 * MiB)
    expect(run.peakRssBytes).toBeLessThan(200 * MiB)
    // Held until the run has ended.
    expect(ballast[ballast.length - 1]).toBe(1)
  })
})
