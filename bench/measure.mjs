// @ts-check
/**
 * Runs one plain Node script (the floor, bench/floor.mjs) and measures it as the runner harness
 * measures the action: wall time from spawn to exit (in this process) and, when asked, the
 * child's own peak RSS, taken from outside it where GNU time works (scripts/peak-rss.mjs).
 * Runs that measure RSS are not the runs that measure time, so the wrapper never adds to a wall
 * time. Also the statistics every scenario reports.
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { outsidePeakRss, readPeakRss } from '../scripts/peak-rss.mjs'

/**
 * @typedef {object} ProcessRun
 * @property {number | null} exitCode
 * @property {number} wallMs Spawn to exit, as seen from here.
 * @property {number | undefined} maxRssKb The child's peak RSS in KiB, when measured.
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * Runs `node script` and waits for it to exit.
 * @param {object} options
 * @param {string} options.node Node binary.
 * @param {string} options.script Script to run.
 * @param {Record<string, string>} options.env The whole environment of the child.
 * @param {string} options.cwd
 * @param {boolean} [options.measureRss]
 * @param {number} [options.killAfterMs]
 * @param {AbortSignal} [options.signal] Kills the child and rejects.
 * @returns {Promise<ProcessRun>}
 */
export async function runProcess(options) {
  const dir = options.measureRss ? await mkdtemp(path.join(os.tmpdir(), 'bench-rss-')) : ''
  const rssFile = path.join(dir, 'peak-rss')
  try {
    const launch = options.measureRss
      ? outsidePeakRss(rssFile)
      : { wrapper: [], nodeArgs: [], env: {} }
    const command = [...launch.wrapper, options.node, ...launch.nodeArgs, options.script]

    const started = performance.now()
    const child = spawn(command[0], command.slice(1), {
      env: { ...options.env, ...launch.env },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal
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
    }).finally(() => clearTimeout(killer))
    const wallMs = performance.now() - started

    const errText = Buffer.concat(stderr).toString('utf8')
    const rss = options.measureRss ? await readPeakRss(errText, rssFile) : undefined
    if (rss && !Number.isFinite(rss.bytes)) {
      throw new Error(`No peak RSS was reported by ${command.join(' ')}:\n${errText}`)
    }
    return {
      exitCode,
      wallMs,
      maxRssKb: rss ? rss.bytes / 1024 : undefined,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: rss ? rss.stderr : errText
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true })
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
