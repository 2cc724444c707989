// @ts-check
/**
 * `npm run stress [-- --runs=10] [-- --load=<busy workers>] [-- --suites=unit,e2e,faults]`:
 * runs the end-to-end and fault suites (or the folders of __tests__ named) again and again while
 * busy workers keep every core loaded, to prove the tests hold on a starved machine (no
 * wall-clock flakes). Stops at the first failing run. Jest runs on the Node that runs this script.
 * `.ci/run` runs one pass on Node 24 (`--runs=1`).
 * @module
 */
import { spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** @param {string} name @param {number} fallback */
function numberArg(name, fallback) {
  const given = process.argv.find(arg => arg.startsWith(`--${name}=`))
  const value = given ? Number(given.slice(name.length + 3)) : fallback
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got '${given}'`)
    process.exit(2)
  }
  return value
}

const runs = numberArg('runs', 10)
const load = numberArg('load', os.availableParallelism())
const suitesArg = process.argv.find(arg => arg.startsWith('--suites='))
const suites = suitesArg
  ? suitesArg
      .slice('--suites='.length)
      .split(',')
      .filter(Boolean)
      .map(name => `__tests__/${name}`)
  : ['__tests__/e2e', '__tests__/faults']

// Busy loops in worker threads: they die with this process, whatever ends it.
const workers = Array.from(
  { length: load },
  () => new Worker('for (;;) Math.sqrt(Math.random())', { eval: true })
)
console.log(`stress: ${runs} run(s) of ${suites.join(' and ')} with ${load} busy worker(s)`)

let passed = 0
let failed = 0
try {
  for (let run = 1; run <= runs; run++) {
    const started = Date.now()
    const code = await new Promise(resolve => {
      const child = spawn(
        process.execPath,
        [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...suites],
        {
          cwd: root,
          stdio: ['ignore', 'inherit', 'inherit'],
          env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' }
        }
      )
      child.on('close', resolve)
    })
    const seconds = Math.round((Date.now() - started) / 1000)
    if (code === 0) {
      passed++
      console.log(`stress: run ${run} of ${runs} passed in ${seconds} s`)
    } else {
      failed++
      console.log(`stress: run ${run} of ${runs} FAILED (exit ${code}) after ${seconds} s`)
      break
    }
  }
} finally {
  await Promise.all(workers.map(worker => worker.terminate()))
}
console.log(`stress: ${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 && passed === runs ? 0 : 1
