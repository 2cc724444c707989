import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { toActionPath, type ActionRun } from '../../scripts/action-runner.mjs'
import { posixOnly } from '../../__fixtures__/platform.js'
import { errors, expectFailure } from '../../__fixtures__/run-assertions.js'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// One outcome, reported once: a file the runner gave that cannot be written (a full disk, a
// folder) ends in one line, never a stack trace; a summary that cannot be written costs only
// the summary; every failure, a failed sign-in too, gets its summary.

const token = 'reporting-token-4e8d27'
const app = { clientId: 'reporting-app', clientSecret: 'reporting-secret~Pz.6_19' }
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [app], staticTokens: [token] })

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'reporting-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

function call(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}', ...inputs },
    env
  })
}

interface Unwritable {
  name: string
  path: () => string
  code: string
}

/** Places a write fails: a folder everywhere, and a full disk where the system has one. */
const unwritable: Unwritable[] = [
  { name: 'a folder', path: () => toActionPath(folder), code: 'EISDIR' }
]
/**
 * A full disk: POSIX only (Windows has no /dev/full), and not every POSIX system has one (macOS):
 * skipped there, as jest fails an `each` over an empty table.
 */
const fullDisk: Unwritable[] = [{ name: '/dev/full', path: () => '/dev/full', code: 'ENOSPC' }]
const fullDiskIt = existsSync('/dev/full') ? posixOnly : it.skip

/** Nothing on stdout or stderr reads like a stack trace. */
function expectNoStackTrace(run: ActionRun): void {
  expect(run.stderr).toBe('')
  expect(run.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
}

describe('GITHUB_OUTPUT cannot be written', () => {
  const title = '$name: one ::error:: line, no stack trace, even after a successful call'
  const test = async (target: Unwritable): Promise<void> => {
    const run = await call({}, { GITHUB_OUTPUT: target.path() })

    expect(run.exitCode).toBe(1)
    expect(errors(run)).toEqual([
      expect.stringMatching(
        new RegExp(`^Could not set the step outputs \\(GITHUB_OUTPUT\\): ${target.code}`)
      )
    ])
    expectNoStackTrace(run)
    // The call itself succeeded, and the summary says so.
    expect(run.summary).toMatch(/<td>POST<\/td><td>200<\/td><td>1<\/td>/)
  }
  it.each(unwritable)(title, test)
  fullDiskIt.each(fullDisk)(title, test)

  it('names the failed call too, in the same single line, whatever enable-exception says', async () => {
    sim().script(sessionInfo, { status: 500, body: { Message: 'Customer 4711 does not exist.' } })
    const run = await call({ 'enable-exception': 'false' }, { GITHUB_OUTPUT: toActionPath(folder) })

    expect(run.exitCode).toBe(1)
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /^Could not set the step outputs \(GITHUB_OUTPUT\): EISDIR.*\. The call failed too: POST \S+ failed: HTTP 500 Internal Server Error — Customer 4711 does not exist\.$/
      )
    ])
    expect(run.annotations.filter(a => a.level === 'warning')).toEqual([])
    expectNoStackTrace(run)
  })
})

describe('GITHUB_STEP_SUMMARY cannot be written', () => {
  const title = '$name: a warning; the call succeeds and keeps every output'
  const test = async (target: Unwritable): Promise<void> => {
    const run = await call({}, { GITHUB_STEP_SUMMARY: target.path() })

    expect(run.exitCode).toBe(0)
    expect(run.annotations).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          new RegExp(`^Could not write the job summary \\(GITHUB_STEP_SUMMARY\\): ${target.code}`)
        )
      }
    ])
    expect(run.outputs).toMatchObject({ status: '200', attempts: '1', error: '' })
    expect(JSON.parse(run.outputs['response'] ?? '')).toMatchObject({ Company: 'USMF' })
    expectNoStackTrace(run)
  }
  it.each(unwritable)(title, test)
  fullDiskIt.each(fullDisk)(title, test)

  it('a failed call still fails with its own line, and keeps its outputs', async () => {
    sim().script(sessionInfo, { status: 404, body: 'no such thing' })
    const run = await call({}, { GITHUB_STEP_SUMMARY: toActionPath(folder) })

    expectFailure(run, /failed: HTTP 404 Not Found — no such thing/)
    expect(run.annotations.map(a => a.level)).toEqual(['warning', 'error'])
    expect(run.outputs).toMatchObject({ status: '404', attempts: '1', response: 'no such thing' })
  })
})

describe('every outcome gets one report', () => {
  it('a failed sign-in gets a job summary with the error', async () => {
    sim().script('token', {
      status: 401,
      body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret.' }
    })
    const run = await call({ token: '', ...clientSecretInputs(sim(), app) })

    const line = expectFailure(run, /AADSTS7000215: Invalid client secret\./)
    expect(run.summary).toContain(`<h3>D365 F&amp;O: ${sessionInfo}</h3>`)
    expect(run.summary).toMatch(/<td>POST<\/td><td>no response<\/td><td>0<\/td>/)
    expect(run.summary).toContain(`<pre>${line.replace(/&/g, '&amp;')}</pre>`)
  })

  it('a bad input gets a job summary with the error, and every output', async () => {
    const run = await call({ 'timeout-sec': 'soon' })

    const line = expectFailure(run, /^Invalid timeout-sec 'soon'/)
    expect(run.summary).toContain('<h3>D365 F&amp;O</h3>')
    expect(run.summary).toContain(`<pre>${line}</pre>`)
    expect(run.outputs).toEqual({
      status: '',
      response: '',
      'response-file': '',
      headers: '{}',
      attempts: '0',
      'elapsed-ms': '0',
      error: line,
      polls: '0',
      'activity-id': '',
      'throttled-sec': '0',
      total: '',
      succeeded: '',
      failed: '',
      'results-file': ''
    })
  })
})
