import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  actionPath,
  actionPlatform,
  toActionPath,
  type ActionRun
} from '../../scripts/action-runner.mjs'
import { actionPathPattern, posixOnly } from '../../__fixtures__/platform.js'
import { errors, expectFailure, expectOutputs } from '../../__fixtures__/run-assertions.js'
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
    env: { GITHUB_WORKSPACE: toActionPath(workspace) }
  })
}

/** The path of this machine, under the workspace, as a RegExp source in the action's spelling. */
function inWorkspace(...names: string[]): string {
  return actionPathPattern(path.join(workspace, ...names))
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
      new RegExp(
        `^Invalid response-file: ${inWorkspace('out')} is a folder; give a file path, e\\.g\\. out/response\\.json\\.$`
      )
    )
  })

  it('a path under a regular file', async () => {
    await writeFile(path.join(workspace, 'notes.txt'), 'x')
    const result = await call('notes.txt/body.json')

    expectRefusedBeforeAnyRequest(
      result,
      new RegExp(`^Invalid response-file: ${inWorkspace('notes.txt')} is a file, not a folder\\.$`)
    )
  })

  posixOnly(
    'a FIFO: refused at once, where opening it would block until a reader came',
    async () => {
      execFileSync('mkfifo', [path.join(workspace, 'pipe')])
      const result = await call('pipe')

      expectRefusedBeforeAnyRequest(
        result,
        new RegExp(
          `^Invalid response-file: ${inWorkspace('pipe')} is not a regular file \\(a FIFO\\)\\.$`
        )
      )
    }
  )
})

describe('response-file stays inside GITHUB_WORKSPACE or RUNNER_TEMP', () => {
  it('refuses a .. escape', async () => {
    const result = await call('../outside/body.json')

    expectRefusedBeforeAnyRequest(
      result,
      new RegExp(
        `^Invalid response-file '\\.\\./outside/body\\.json': it resolves to ${actionPathPattern(path.join(outside, 'body.json'))}, which is not inside GITHUB_WORKSPACE \\(\\S+\\) or RUNNER_TEMP \\(\\S+\\)\\. Give a file path inside the workspace, e\\.g\\. out/response\\.json, or under RUNNER_TEMP\\.$`
      )
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

  posixOnly('refuses a folder link that leads outside, and creates nothing there', async () => {
    await symlink(outside, path.join(workspace, 'reports'))
    const result = await call('reports/2025/body.json')

    expectRefusedBeforeAnyRequest(
      result,
      /^Invalid response-file: \S+\/workspace\/reports is a symbolic link to \S+\/outside, which is not inside GITHUB_WORKSPACE \(\S+\) or RUNNER_TEMP \(\S+\)\.$/
    )
    expect(await readdir(outside)).toEqual([])
  })

  posixOnly('refuses a file that is a link, leaving its target as it was', async () => {
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

  posixOnly(
    'follows a folder link inside the workspace, creating missing folders, and writes the answer there',
    async () => {
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
    }
  )

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
        'response-file': toActionPath(path.join(base, 'runner-temp', 'body.json'))
      },
      env: {
        GITHUB_WORKSPACE: toActionPath(workspace),
        RUNNER_TEMP: toActionPath(path.join(base, 'runner-temp'))
      }
    })

    expect(result.exitCode).toBe(0)
    expect(await readFile(path.join(base, 'runner-temp', 'body.json'), 'utf8')).toBe(
      result.outputs['response']
    )
  })
})

// The same inputs on every platform, each held to its platform's rules: on Windows names compare
// case-insensitively and device names and streams are not files; on POSIX they are plain names.
describe('response-file by the rules of the platform the action runs on', () => {
  it('the workspace named in another case: written there on Windows, outside on POSIX', async () => {
    const given = `${toActionPath(workspace).toUpperCase()}${actionPath.sep}body.json`
    const result = await call(given)

    if (actionPlatform === 'win32') {
      expect(errors(result)).toEqual([])
      expect(result.exitCode).toBe(0)
      // Reported in the runner's own spelling of the workspace.
      expect(result.outputs['response-file']).toBe(toActionPath(path.join(workspace, 'body.json')))
      expect(await readFile(path.join(workspace, 'body.json'), 'utf8')).toBe(
        result.outputs['response']
      )
    } else {
      expectRefusedBeforeAnyRequest(
        result,
        /^Invalid response-file '\S+': it resolves to \S+, which is not inside GITHUB_WORKSPACE/
      )
    }
  })

  it('a device name with an extension (nul.json): refused on Windows, a file on POSIX', async () => {
    const result = await call('out/nul.json')

    if (actionPlatform === 'win32') {
      expectRefusedBeforeAnyRequest(
        result,
        /^Invalid response-file 'out\/nul\.json': 'nul\.json' is the Windows device NUL, not a file/
      )
    } else {
      expect(result.exitCode).toBe(0)
      expect(await readFile(path.join(workspace, 'out', 'nul.json'), 'utf8')).toBe(
        result.outputs['response']
      )
    }
  })

  it('an alternate data stream (body.json:hidden): refused on Windows, a file on POSIX', async () => {
    const result = await call('body.json:hidden')

    if (actionPlatform === 'win32') {
      expectRefusedBeforeAnyRequest(
        result,
        /^Invalid response-file 'body\.json:hidden': 'body\.json:hidden' names an alternate data stream/
      )
      expect(await readdir(workspace)).toEqual([])
    } else {
      expect(result.exitCode).toBe(0)
      expect(await readdir(workspace)).toEqual(['body.json:hidden'])
    }
  })
})
