import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
import { runAgainst, serviceRequests, useSimulator } from '../../__fixtures__/simulator.js'

// response-file is checked and opened before the first request, sign-in included: a path that
// cannot take the answer fails as a bad input while nothing has run on F&O. It must lie inside
// GITHUB_WORKSPACE or RUNNER_TEMP, and a symbolic link (a pull request can carry one) may not
// lead it anywhere else.

const clientId = 'fault-file-app'
const clientSecret = 'fault-file-secret~M4.q_20'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [{ clientId, clientSecret }] })
let base: string
let workspace: string
let outside: string

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'd365fo-fault-file-'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})
beforeEach(async () => {
  // A workspace of its own per test, with a folder beside it that the action must never touch.
  const dir = await mkdtemp(path.join(base, 'case-'))
  workspace = path.join(dir, 'workspace')
  outside = path.join(dir, 'outside')
  await Promise.all([mkdir(workspace), mkdir(outside)])
})

/** A POST signed in with a client secret (so sign-in is a request too), writing to `responseFile`. */
function call(responseFile: string): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: {
      'service-name': sessionInfo,
      payload: '{}',
      tenant: sim().tenant,
      url: sim().url,
      'authority-host': sim().authorityHost,
      'client-id': clientId,
      'client-secret': clientSecret,
      'response-file': responseFile
    },
    env: { GITHUB_WORKSPACE: workspace }
  })
}

/** Asserts a response-file input error, with nothing sent to Entra ID or F&O. */
function expectRefusedBeforeAnyRequest(result: ActionRun, cause: RegExp): void {
  expectFailure(result, cause)
  expectOutputs(result, { status: '', attempts: '0' })
  // The step exited on its own (expectFailure wants exit code 1; a FIFO that blocked the open
  // would have had it killed).
  expect(sim().requests).toEqual([])
}

describe('response-file that cannot take the answer: refused before sign-in', () => {
  it('a folder', async () => {
    await mkdir(path.join(workspace, 'out'))
    const result = await call('out')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file: \S+\/workspace\/out is a folder; give a file path, e\.g\. out\/response\.json\.$/
    )
  })

  it('a path under a regular file', async () => {
    await writeFile(path.join(workspace, 'notes.txt'), 'x')
    const result = await call('notes.txt/body.json')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file: \S+\/workspace\/notes\.txt is a file, not a folder\.$/
    )
  })

  it('a FIFO: refused at once, where opening it would block until a reader came', async () => {
    execFileSync('mkfifo', [path.join(workspace, 'pipe')])
    const result = await call('pipe')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file: \S+\/workspace\/pipe is not a regular file \(a FIFO\)\.$/
    )
  })
})

describe('response-file stays inside GITHUB_WORKSPACE or RUNNER_TEMP', () => {
  it('refuses a .. escape', async () => {
    const result = await call('../outside/body.json')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file '\.\.\/outside\/body\.json': it resolves to \S+\/outside\/body\.json, which is not inside GITHUB_WORKSPACE \(\S+\) or RUNNER_TEMP \(\S+\)\. Give a file path inside the workspace, e\.g\. out\/response\.json, or under RUNNER_TEMP\.$/
    )
    expect(await readdir(outside)).toEqual([])
  })

  it('refuses an absolute path elsewhere', async () => {
    const result = await call(path.join(outside, 'body.json'))

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file '\S+': it resolves to .+, which is not inside GITHUB_WORKSPACE/
    )
    expect(await readdir(outside)).toEqual([])
  })

  it('refuses a folder link that leads outside, and creates nothing there', async () => {
    await symlink(outside, path.join(workspace, 'reports'))
    const result = await call('reports/2025/body.json')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file: \S+\/workspace\/reports is a symbolic link to \S+\/outside, which is not inside GITHUB_WORKSPACE \(\S+\) or RUNNER_TEMP \(\S+\)\.$/
    )
    expect(await readdir(outside)).toEqual([])
  })

  it('refuses a file that is a link, leaving its target as it was', async () => {
    const target = path.join(outside, 'precious.txt')
    await writeFile(target, 'keep me')
    await symlink(target, path.join(workspace, 'body.json'))
    const result = await call('body.json')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file: \S+\/workspace\/body\.json is a symbolic link, which is not followed\.$/
    )
    expect(await readFile(target, 'utf8')).toBe('keep me')
  })

  it('follows a folder link inside the workspace, creating missing folders, and writes the answer there', async () => {
    await mkdir(path.join(workspace, 'real'))
    await symlink(path.join(workspace, 'real'), path.join(workspace, 'linked'))
    const result = await call('linked/new/body.json')

    expect(result.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(result.exitCode).toBe(0)
    expectOutputs(result, { status: '200', attempts: '1' })
    expect(result.outputs['response-file']).toBe(path.join(workspace, 'linked/new/body.json'))
    expect(await readFile(path.join(workspace, 'real/new/body.json'), 'utf8')).toBe(
      result.outputs['response']
    )
    expect(serviceRequests(sim())).toHaveLength(1)
  })

  it('writes to an absolute path under RUNNER_TEMP', async () => {
    await mkdir(path.join(base, 'runner-temp'), { recursive: true })
    const result = await runAgainst(sim(), {
      inputs: {
        'service-name': sessionInfo,
        payload: '{}',
        tenant: sim().tenant,
        url: sim().url,
        'authority-host': sim().authorityHost,
        'client-id': clientId,
        'client-secret': clientSecret,
        // The harness's RUNNER_TEMP is known only inside the run: a relative path cannot name it.
        'response-file': path.join(base, 'runner-temp', 'body.json')
      },
      env: { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: path.join(base, 'runner-temp') }
    })

    expect(result.exitCode).toBe(0)
    expect(await readFile(path.join(base, 'runner-temp', 'body.json'), 'utf8')).toBe(
      result.outputs['response']
    )
  })
})
