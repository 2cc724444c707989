import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { posixOnly } from '../../__fixtures__/platform.js'
import { InputError } from '../../src/common/errors.js'
import { openResponseFile, type ResponseFile } from '../../src/transport/response-file.js'

// Real files in a temporary folder: a workspace, a runner temp folder, and a folder outside both.

let base: string
let workspace: string
let runnerTemp: string
let outside: string
let env: Record<string, string>
const opened: ResponseFile[] = []

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'd365fo-response-file-'))
  workspace = path.join(base, 'workspace')
  runnerTemp = path.join(base, 'runner-temp')
  outside = path.join(base, 'outside')
  await Promise.all([mkdir(workspace), mkdir(runnerTemp), mkdir(outside)])
  env = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp }
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map(file => file.handle.close()))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

async function openIn(file: string): Promise<ResponseFile> {
  const result = await openResponseFile(file, env)
  opened.push(result)
  return result
}

/** Asserts the file is refused with an InputError naming response-file and saying `problem`. */
async function expectRefused(file: string, problem: string | RegExp): Promise<void> {
  const attempt = openIn(file)
  await expect(attempt).rejects.toThrow(InputError)
  await expect(attempt).rejects.toThrow(
    expect.objectContaining({
      input: 'response-file',
      message:
        typeof problem === 'string'
          ? `Invalid response-file: ${problem}.`
          : expect.stringMatching(problem)
    })
  )
}

describe('openResponseFile: what it opens', () => {
  it('creates missing folders inside the workspace and an empty file', async () => {
    const file = path.join(workspace, 'new', 'deeper', 'body.json')
    const result = await openIn(file)

    expect(result.path).toBe(file)
    expect((await lstat(file)).isFile()).toBe(true)
    expect(await readFile(file, 'utf8')).toBe('')
  })

  it('empties an existing file before anything is sent', async () => {
    const file = path.join(workspace, 'old.json')
    await writeFile(file, 'an answer from an earlier run')
    await openIn(file)

    expect(await readFile(file, 'utf8')).toBe('')
  })

  it('opens a file under RUNNER_TEMP', async () => {
    const file = path.join(runnerTemp, 'body.json')
    await openIn(file)

    expect((await lstat(file)).isFile()).toBe(true)
  })

  posixOnly('follows a folder link that stays inside the workspace', async () => {
    await mkdir(path.join(workspace, 'real'))
    await symlink(path.join(workspace, 'real'), path.join(workspace, 'inside-link'))
    await openIn(path.join(workspace, 'inside-link', 'body.json'))

    expect((await lstat(path.join(workspace, 'real', 'body.json'))).isFile()).toBe(true)
  })

  posixOnly('follows a link from the workspace into RUNNER_TEMP', async () => {
    await symlink(runnerTemp, path.join(workspace, 'to-temp'))
    await openIn(path.join(workspace, 'to-temp', 'linked.json'))

    expect((await lstat(path.join(runnerTemp, 'linked.json'))).isFile()).toBe(true)
  })
})

describe('openResponseFile: what it refuses', () => {
  it('a folder', async () => {
    await mkdir(path.join(workspace, 'a-folder'))
    const file = path.join(workspace, 'a-folder')
    await expectRefused(file, `${file} is a folder; give a file path, e.g. out/response.json`)
  })

  it('a path under a regular file', async () => {
    await writeFile(path.join(workspace, 'notes.txt'), 'x')
    await expectRefused(
      path.join(workspace, 'notes.txt', 'body.json'),
      `${path.join(workspace, 'notes.txt')} is a file, not a folder`
    )
  })

  posixOnly('a FIFO, at once instead of blocking until a reader comes', async () => {
    const fifo = path.join(workspace, 'pipe')
    execFileSync('mkfifo', [fifo])
    await expectRefused(fifo, `${fifo} is not a regular file (a FIFO)`)
  })

  posixOnly('a file that is a symbolic link, even to a file inside the workspace', async () => {
    const real = path.join(workspace, 'real.json')
    await writeFile(real, 'keep me')
    const link = path.join(workspace, 'link.json')
    await symlink(real, link)

    await expectRefused(link, `${link} is a symbolic link, which is not followed`)
    expect(await readFile(real, 'utf8')).toBe('keep me')
  })

  posixOnly('a file that is a symbolic link outside: the target is untouched', async () => {
    const target = path.join(outside, 'precious.txt')
    await writeFile(target, 'keep me')
    const link = path.join(workspace, 'out.json')
    await symlink(target, link)

    await expectRefused(link, `${link} is a symbolic link, which is not followed`)
    expect(await readFile(target, 'utf8')).toBe('keep me')
  })

  posixOnly('a folder link that leads outside: nothing is created there', async () => {
    await symlink(outside, path.join(workspace, 'escape'))

    await expectRefused(
      path.join(workspace, 'escape', 'sub', 'body.json'),
      new RegExp(
        `^Invalid response-file: ${escape(path.join(workspace, 'escape'))} is a symbolic link to ${escape(outside)}, which is not inside GITHUB_WORKSPACE \\(.+\\) or RUNNER_TEMP \\(.+\\)\\.$`
      )
    )
    expect(await readdir(outside)).not.toContain('sub')
  })

  posixOnly('a link deeper down that leads outside, below folders it had to create', async () => {
    await mkdir(path.join(workspace, 'a', 'b'), { recursive: true })
    await symlink(outside, path.join(workspace, 'a', 'b', 'up'))

    await expectRefused(
      path.join(workspace, 'a', 'b', 'up', 'body.json'),
      /is a symbolic link to .+, which is not inside GITHUB_WORKSPACE/
    )
    expect(await readdir(outside)).not.toContain('body.json')
  })

  it('a path outside both folders', async () => {
    const file = path.join(outside, 'body.json')
    await expectRefused(file, new RegExp(`^Invalid response-file: ${escape(file)} is not inside`))
    expect(await readdir(outside)).not.toContain('body.json')
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
