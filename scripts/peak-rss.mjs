// @ts-check
/**
 * Peak RSS of a child Node process, for the runner harness and the benchmark.
 *
 * From outside the child where possible: GNU time (`/usr/bin/time -f %M`, the ru_maxrss that
 * wait4() reports for the child), so nothing runs inside the measured process. Where GNU time
 * is missing, and in every run that is not `lean`, scripts/report-peak-rss.mjs is preloaded into
 * the child and writes its peak (VmHWM on Linux) to a file as the child exits. Either way the
 * figure is the child's own peak, not the parent's: ru_maxrss read inside a child that was forked
 * would count the parent's memory too.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const RssLine = /^peak-rss-kb=(\d+)$/m

/** GNU time when it works here; undefined otherwise. */
export const gnuTime = (() => {
  const candidate = '/usr/bin/time'
  if (!existsSync(candidate)) return undefined
  const probe = spawnSync(candidate, ['-f', 'peak-rss-kb=%M', 'true'], { encoding: 'utf8' })
  return probe.status === 0 && RssLine.test(probe.stderr) ? candidate : undefined
})()

/** How peak RSS is measured from outside on this machine, for a report. */
export const peakRssMethod = gnuTime
  ? '`/usr/bin/time -f %M` (GNU time: ru_maxrss of the child from wait4)'
  : '`node --import scripts/report-peak-rss.mjs` (VmHWM, or ru_maxrss without /proc, written by the child at exit)'

/**
 * The probe preloaded into a child: the `--import` value and the environment it reads.
 * @param {string} file Where the probe writes the figure (bytes).
 */
export function peakRssProbe(file) {
  return {
    importUrl: pathToFileURL(path.join(here, 'report-peak-rss.mjs')).href,
    env: { PEAK_RSS_FILE: file }
  }
}

/**
 * How to start `node …` so that its peak RSS is measured from outside when GNU time works here
 * (a wrapper command), else by the preloaded probe (a Node argument and an environment variable).
 * @param {string} file Where the probe writes, when it is the probe that measures.
 * @returns {{ wrapper: string[], nodeArgs: string[], env: Record<string, string> }}
 */
export function outsidePeakRss(file) {
  if (gnuTime) return { wrapper: [gnuTime, '-f', 'peak-rss-kb=%M'], nodeArgs: [], env: {} }
  const probe = peakRssProbe(file)
  return { wrapper: [], nodeArgs: ['--import', probe.importUrl], env: probe.env }
}

/**
 * Reads a measured child's peak RSS back: GNU time's line at the end of its stderr, else the
 * probe's file.
 * @param {string} stderr The child's stderr.
 * @param {string} file The probe's file.
 * @returns {Promise<{ bytes: number, stderr: string }>} The peak in bytes (NaN when nothing
 *   reported it) and stderr without GNU time's line.
 */
export async function readPeakRss(stderr, file) {
  const line = RssLine.exec(stderr)
  if (line) return { bytes: Number(line[1]) * 1024, stderr: stderr.replace(RssLine, '').trimEnd() }
  return { bytes: Number(await readFile(file, 'utf8').catch(() => 'NaN')), stderr }
}
