/**
 * `npm run demo` on a fresh clone: with the packages installed it runs at once; without them it
 * runs `npm ci` first (a stand-in npm here, so the test is offline), and any failure is one line
 * on stderr with a non-zero exit, never a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SmokeCalls } from '../../scripts/smoke-suite.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fakeNpm = path.join(root, '__fixtures__', 'fake-npm.mjs')

/** What a clone holds that the demo reads: no node_modules. */
const CloneParts = ['scripts', 'sim', 'dist', 'action.yml', 'package.json', 'package-lock.json']

interface DemoRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs scripts/demo.mjs of the tree at `dir` as `npm run demo` would (cwd = that tree). */
function runDemo(dir: string, env: Record<string, string | undefined>): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, 'scripts', 'demo.mjs')], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += String(chunk)))
    child.stderr.on('data', chunk => (stderr += String(chunk)))
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', exitCode => {
      clearTimeout(killer)
      resolve({ exitCode, stdout, stderr })
    })
  })
}

/** A stack frame line, as Node prints an uncaught error. */
const StackFrame = /^\s+at .+[(:]\d+/m

let clones: string
beforeAll(() => {
  clones = mkdtempSync(path.join(os.tmpdir(), 'd365fo-demo-'))
})
afterAll(() => rmSync(clones, { recursive: true, force: true }))

/** A copy of the repository as cloned: no node_modules; `without` parts left out too. */
function freshClone(name: string, without: readonly string[] = []): string {
  const dir = path.join(clones, name)
  for (const part of CloneParts.filter(part => !without.includes(part))) {
    cpSync(path.join(root, part), path.join(dir, part), { recursive: true })
  }
  return dir
}

describe('npm run demo', () => {
  it('runs the action against the simulator when the packages are installed', async () => {
    const run = await runDemo(root, { npm_execpath: fakeNpm, FAKE_NPM_EXIT: '1' })

    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.stdout).not.toContain('npm ci')
    expect(run.stdout).toMatch(/^ {2}status: 200$/m)
    expect(run.stdout).toContain('"Company": "USMF"')
    // The README's smoke-test sample: five calls, every check held.
    expect(run.stdout).toMatch(/^ {2}total: 5\n {2}succeeded: 5\n {2}failed: 0$/m)
  })

  it("runs the README's smoke-test sample as the README shows it", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const indented = SmokeCalls.trimEnd()
      .split('\n')
      .map(line => `      ${line}`)
      .join('\n')
    expect(readme).toContain(`    calls: |\n${indented}\n`)
  })

  it('on a fresh clone, runs npm ci first (saying so), then the demo', async () => {
    const dir = freshClone('installs')
    const run = await runDemo(dir, {
      npm_execpath: fakeNpm,
      FAKE_NPM_NODE_MODULES: path.join(root, 'node_modules')
    })

    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      'The simulator needs selfsigned, iconv-lite, yaml: running npm ci first (once).',
      'added 0 packages (fake npm ci)'
    ])
    expect(run.stdout).toMatch(/^ {2}status: 200$/m)
  })

  it('says in one line that npm ci failed, without a stack trace', async () => {
    const dir = freshClone('npm-fails')
    const run = await runDemo(dir, { npm_execpath: fakeNpm, FAKE_NPM_EXIT: '1' })

    expect(run.exitCode).toBe(1)
    expect(run.stderr).toBe(
      'npm error fake failure\nnpm run demo failed: npm ci exited with 1; see its output above\n'
    )
    expect(run.stdout).not.toMatch(StackFrame)
  })

  it('says in one line that the bundle is missing, without a stack trace', async () => {
    const dir = freshClone('no-dist', ['dist'])
    const run = await runDemo(dir, {
      npm_execpath: fakeNpm,
      FAKE_NPM_NODE_MODULES: path.join(root, 'node_modules'),
      // The test suites point the harness at a fresh bundle; a clone without dist/ has none.
      E2E_BUNDLE: undefined
    })

    expect(run.exitCode).toBe(1)
    expect(run.stderr).toBe(
      `npm run demo failed: ${path.join(dir, 'dist', 'index.js')} is missing: run npm run bundle\n`
    )
  })
})
