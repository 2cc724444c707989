// @ts-check
/**
 * `npm run demo`: starts the built-in F&O + Entra ID simulator on 127.0.0.1 and runs the bundled
 * action against it as a runner would, once with a client secret, once for discovery, and once
 * with the README's smoke-test sample (five calls with their checks in one step), printing the
 * step log and the outputs.
 *
 * Works on a fresh clone: the action is the committed dist/index.js (no dependency), but the
 * simulator and the runner harness need a few packages, so when they are missing the demo runs
 * `npm ci` once, saying so. Any failure ends in one line on stderr and a non-zero exit, never a
 * stack trace.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Packages the simulator (selfsigned, iconv-lite) and the runner harness (yaml) import. */
const Needed = ['selfsigned', 'iconv-lite', 'yaml']

try {
  installIfMissing()
  process.exitCode = await demo()
} catch (error) {
  console.error(`npm run demo failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}

/** The packages in Needed that do not resolve from here. */
function missingPackages() {
  return Needed.filter(name => {
    try {
      import.meta.resolve(name)
      return false
    } catch {
      return true
    }
  })
}

/** Runs `npm ci` (the npm that runs this script, if any) when a needed package is missing. */
function installIfMissing() {
  const missing = missingPackages()
  if (missing.length === 0) return
  console.log(`The simulator needs ${missing.join(', ')}: running npm ci first (once).`)
  // Under `npm run`, npm_execpath is npm's own CLI script: run it with this Node, no shell needed.
  const npmCli = process.env['npm_execpath']
  const options = { cwd: root, stdio: /** @type {const} */ ('inherit') }
  const result = npmCli
    ? spawnSync(process.execPath, [npmCli, 'ci'], options)
    : spawnSync('npm', ['ci'], { ...options, shell: process.platform === 'win32' })
  if (result.error) throw new Error(`could not run npm ci: ${result.error.message}`)
  if (result.status !== 0)
    throw new Error(`npm ci exited with ${result.status}; see its output above`)
  const still = missingPackages()
  if (still.length > 0) throw new Error(`npm ci did not install ${still.join(', ')}`)
}

/**
 * Runs the two demo steps against a fresh simulator.
 * @returns {Promise<number>} the exit code: 0 when both steps succeeded
 */
async function demo() {
  // Imported only now: they need the packages installIfMissing checked.
  const { startSimulator } = await import('../sim/index.mjs')
  const { bundlePath, runAction } = await import('./action-runner.mjs')
  const { SmokeCalls } = await import('./smoke-suite.mjs')
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run npm run bundle`)

  const clientId = 'demo-app-11111111'
  const clientSecret = 'demo-secret-value'
  const sim = await startSimulator({ clients: [{ clientId, clientSecret }] })

  /**
   * @param {string} title
   * @param {Record<string, string>} inputs
   */
  async function step(title, inputs) {
    console.log(`\n=== ${title}`)
    console.log(`with: ${JSON.stringify({ ...inputs, 'client-secret': '***' }, null, 2)}`)
    const run = await runAction({ inputs, env: { NODE_EXTRA_CA_CERTS: sim.caFile } })
    console.log('--- step log')
    process.stdout.write(run.stdout.replace(/^::add-mask::.*\r?\n/gm, ''))
    console.log(`--- exit code ${run.exitCode} in ${Math.round(run.durationMs)} ms; outputs:`)
    for (const [name, value] of Object.entries(run.outputs)) {
      console.log(`  ${name}: ${value.length > 400 ? `${value.slice(0, 400)}…` : value}`)
    }
    return run.exitCode
  }

  const common = {
    tenant: sim.tenant,
    url: sim.url,
    'authority-host': sim.authorityHost,
    'client-id': clientId,
    'client-secret': clientSecret
  }
  try {
    console.log(`F&O simulator at ${sim.url} (tenant ${sim.tenant})`)
    const codes = [
      await step('Call UserSessionService/AifUserSessionService/GetUserSessionInfo', {
        ...common,
        'service-name': 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
        method: 'POST'
      }),
      await step('List the services of a service group', {
        ...common,
        'service-name': 'UserSessionService',
        method: 'GET'
      }),
      await step('A smoke test: five calls with their checks in one step', {
        ...common,
        calls: SmokeCalls
      })
    ]
    return codes.some(code => code !== 0) ? 1 : 0
  } finally {
    await sim.close()
  }
}
