// @ts-check
/**
 * Runs one child process and measures it: wall time from spawn to exit (in this process) and,
 * when asked, the child's own peak RSS.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`: the ru_maxrss wait4() reports for the
 * child), or, where GNU time is missing, from `node --import max-rss.mjs`, which prints
 * process.resourceUsage().maxRSS as the child exits. Either way the figure is the child's own
 * peak, not this process's. Runs that measure RSS are not the runs that measure time, so the
 * wrapper never adds to a wall-time figure.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const RssLine = /^bench-max-rss-kb=(\d+)$/m

/** GNU time when it works here; undefined otherwise. */
export const gnuTime = (() => {
  const candidate = '/usr/bin/time'
  if (!existsSync(candidate)) return undefined
  const probe = spawnSync(candidate, ['-f', 'bench-max-rss-kb=%M', 'true'], { encoding: 'utf8' })
  return probe.status === 0 && RssLine.test(probe.stderr) ? candidate : undefined
})()

/** How peak RSS is measured on this machine, for the report. */
export const rssMethod = gnuTime
  ? '`/usr/bin/time -f %M` (GNU time: ru_maxrss of the child from wait4)'
  : '`node --import bench/max-rss.mjs` (process.resourceUsage().maxRSS printed by the child at exit)'

/**
 * @typedef {object} ProcessRun
 * @property {number | null} exitCode
 * @property {number} wallMs Spawn to exit, as seen from here.
 * @property {number | undefined} maxRssKb The child's peak RSS in KiB, when measured.
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * Runs `node [nodeArgs] script` and waits for it to exit.
 * @param {object} options
 * @param {string} options.node Node binary.
 * @param {string} options.script Script to run.
 * @param {string[]} [options.nodeArgs]
 * @param {Record<string, string>} options.env The whole environment of the child.
 * @param {string} options.cwd
 * @param {boolean} [options.measureRss]
 * @param {number} [options.killAfterMs]
 * @returns {Promise<ProcessRun>}
 */
export async function runProcess(options) {
  const nodeArgs = [...(options.nodeArgs ?? [])]
  let command = options.node
  /** @type {string[]} */
  let args = [...nodeArgs, options.script]
  if (options.measureRss && gnuTime) {
    command = gnuTime
    args = ['-f', 'bench-max-rss-kb=%M', options.node, ...args]
  } else if (options.measureRss) {
    args = ['--import', pathToFileURL(path.join(here, 'max-rss.mjs')).href, ...args]
  }

  const started = performance.now()
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  /** @type {Buffer[]} */
  const stdout = []
  /** @type {Buffer[]} */
  const stderr = []
  child.stdout.on('data', chunk => stdout.push(chunk))
  child.stderr.on('data', chunk => stderr.push(chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  /** @type {number | null} */
  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => resolve(code))
  })
  const wallMs = performance.now() - started
  clearTimeout(killer)

  const errText = Buffer.concat(stderr).toString('utf8')
  const rss = options.measureRss ? RssLine.exec(errText) : null
  if (options.measureRss && !rss) {
    throw new Error(`No peak RSS was reported by ${command} ${args.join(' ')}:\n${errText}`)
  }
  return {
    exitCode,
    wallMs,
    maxRssKb: rss ? Number(rss[1]) : undefined,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: errText.replace(RssLine, '').trimEnd()
  }
}

/**
 * @typedef {object} Summary
 * @property {number} median
 * @property {number} min
 * @property {number} max
 * @property {number} count
 */

/**
 * Median, min and max of the samples.
 * @param {readonly number[]} samples
 * @returns {Summary}
 */
export function summarize(samples) {
  if (samples.length === 0) return { median: NaN, min: NaN, max: NaN, count: 0 }
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  return { median, min: sorted[0], max: sorted[sorted.length - 1], count: sorted.length }
}
