import { describe, expect, it } from '@jest/globals'
import { open, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  fromActionPath,
  runnerLines,
  toActionPath,
  type ActionRun,
  type RunOptions
} from '../../scripts/action-runner.mjs'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'
import { warnings } from '../../__fixtures__/run-assertions.js'

const token = 'static-token-responses-1'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const large = 'SimTestService/EchoService/Large'
const MiB = 1024 * 1024

const sim = useSimulator({ staticTokens: [token] })

function run(
  inputs: Record<string, string>,
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), { ...options, inputs: { url: sim().url, token, ...inputs } })
}

describe('response-file', () => {
  it('streams a 200 MiB body to the file byte for byte with flat memory', async () => {
    const stream = (bytes: number): Promise<ActionRun> =>
      run(
        {
          'service-name': large,
          payload: JSON.stringify({ bytes }),
          'response-file': 'out/export/body.json'
        },
        { measurePeakRss: true, killAfterMs: 120_000 }
      )
    const bytes = 200 * MiB
    const small = await stream(20 * MiB)
    const result = await stream(bytes)

    expect(result.exitCode).toBe(0)
    const file = path.join(result.workspace, 'out/export/body.json')
    expect(result.outputs['response-file']).toBe(toActionPath(file))
    expect((await stat(file)).size).toBe(bytes)
    const handle = await open(file)
    const edges = Buffer.alloc(16)
    await handle.read(edges, 0, 8, 0)
    await handle.read(edges, 8, 8, bytes - 8)
    await handle.close()
    expect(edges.subarray(0, 2).toString()).toBe('{"')
    expect(edges.subarray(14).toString()).toBe('"}')
    // Too large for a step output: empty, and a warning says the size and where the file is.
    expect(result.outputs['response']).toBe('')
    expect(warnings(result)).toEqual([expect.stringContaining(`${bytes} bytes`)])
    expect(warnings(result)[0]).toContain(toActionPath(file))
    // Memory does not grow with the body: ten times the body, about the same peak. Had the step
    // held the body, it would peak 180 MiB higher; half that is slack for when garbage is collected.
    expect(small.exitCode).toBe(0)
    expect(small.peakRssBytes).toBeGreaterThan(20 * MiB)
    expect(result.peakRssBytes).toBeLessThan((small.peakRssBytes ?? NaN) + 90 * MiB)
  }, 240_000)

  it('keeps a small body both in the output and, identical, in a file under RUNNER_TEMP', async () => {
    const result = await run({ 'service-name': sessionInfo, payload: '{}' })

    expect(result.exitCode).toBe(0)
    const file = fromActionPath(result.outputs['response-file'] ?? '')
    expect(path.dirname(file)).toBe(result.runnerTemp)
    expect(await readFile(file, 'utf8')).toBe(result.outputs['response'])
    expect(warnings(result)).toEqual([])
  })

  it('puts exactly 1 MiB in the output, and nothing past it', async () => {
    const atLimit = await run({ 'service-name': large, payload: JSON.stringify({ bytes: MiB }) })
    expect(Buffer.byteLength(atLimit.outputs['response'])).toBe(MiB)

    const overLimit = await run({
      'service-name': large,
      payload: JSON.stringify({ bytes: MiB + 1 })
    })
    expect(overLimit.outputs['response']).toBe('')
    expect((await stat(fromActionPath(overLimit.outputs['response-file'] ?? ''))).size).toBe(
      MiB + 1
    )
  })
})

describe('mask-response', () => {
  it('registers the body as a secret before it is logged and leaves it out of the summary', async () => {
    const result = await run({
      'service-name': sessionInfo,
      payload: '{}',
      'mask-response': 'true'
    })

    expect(result.exitCode).toBe(0)
    const body = result.outputs['response']
    expect(body).toContain('USMF')
    const mask = result.stdout.indexOf(`::add-mask::${body}`)
    expect(mask).toBeGreaterThanOrEqual(0)
    const unmasked = runnerLines(result.stdout).filter(
      line => line.includes('USMF') && !line.startsWith('::add-mask::')
    )
    expect(unmasked).toEqual([])
    expect(result.summary).not.toContain('USMF')
    expect(result.summary).toContain('not shown')
  })
})

describe('job summary and log', () => {
  it('writes a table and a pretty-printed preview of the body', async () => {
    const result = await run({ 'service-name': sessionInfo, payload: '{}' })

    expect(result.summary).toContain(sessionInfo)
    for (const header of [
      'Method',
      'Status',
      'Attempts',
      'Elapsed',
      'Retries waited',
      'Response size'
    ]) {
      expect(result.summary).toContain(`<th>${header}</th>`)
    }
    expect(result.summary).toMatch(/<td>POST<\/td><td>200<\/td><td>1<\/td>/)
    expect(result.summary).toContain('<pre>{\n  "$id": "1",')
    expect(result.summary).toContain('  "Company": "USMF",\n')
  })

  it('cuts the preview of a large body at 64 KiB, with a note', async () => {
    const result = await run({ 'service-name': large, payload: JSON.stringify({ bytes: 300_000 }) })

    expect(result.summary).toContain('(first 65536 of 300000 bytes)')
    expect(result.summary.length).toBeLessThan(80_000)
  })

  it('is skipped quietly without GITHUB_STEP_SUMMARY', async () => {
    const result = await run({ 'service-name': sessionInfo, payload: '{}' }, { noSummary: true })

    expect(result.exitCode).toBe(0)
    expect(result.annotations).toEqual([])
  })

  it('groups the request in the log, one line per attempt, the body in its own group', async () => {
    sim().script(sessionInfo, [{ status: 429, headers: { 'Retry-After': '1' } }])
    const result = await run({
      'service-name': sessionInfo,
      payload: '{}',
      'retry-timeout': '00:00:30'
    })

    const log = runnerLines(result.stdout).filter(
      line => !line.startsWith('::add-mask::') && !line.startsWith('::debug::')
    )
    const start = log.indexOf(`::group::POST ${sessionInfo}`)
    expect(start).toBeGreaterThanOrEqual(0)
    expect(log.slice(start + 1, start + 4)).toEqual([
      `POST ${sim().url}/api/services/${sessionInfo} → 429, waiting 1 s (attempt 2, 29 s left)`,
      `POST ${sim().url}/api/services/${sessionInfo} → 200 (attempt 2)`,
      '::endgroup::'
    ])
    expect(log[start + 4]).toMatch(/^::group::Response body \(\d+ bytes\)$/)
  })
})
