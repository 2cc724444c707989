// @ts-check
/**
 * Peak RSS of a many-calls step against the length of its calls-file: a 10-line and a long
 * file of payloads, in pairs that alternate which goes first. The file is read line by line and
 * the results are written as they come, so the peak should not grow with the file.
 * @module
 */
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { summarize } from '../measure.mjs'
import { interleave } from '../paired.mjs'
import { scratch } from '../options.mjs'
import { formatMiB, formatMs, range, ratioCell } from '../report.mjs'
import { StaticToken } from '../session.mjs'
import { EchoOperation } from './many-throttled.mjs'

const ShortLines = 10

/**
 * @typedef {object} CallsFileMemoryResult
 * @property {number} lines The long file's.
 * @property {number[]} shortRss Peak RSS (KiB) with 10 lines.
 * @property {number[]} longRss With the long file.
 * @property {number[]} longToShortRss Within each pair.
 * @property {number[]} longWall
 */

/**
 * Writes `lines` payloads, one per line, without holding them in memory.
 * @param {string} file
 * @param {number} lines
 */
async function writeCallsFile(file, lines) {
  const out = createWriteStream(file)
  for (let i = 1; i <= lines; i++) {
    if (!out.write(`{"_request":${i},"_note":"seed row ${i}"}\n`)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

/** @type {import('./index.mjs').Scenario<CallsFileMemoryResult>} */
export const callsFileMemory = {
  id: 'calls-file-memory',
  method: plan => [
    `calls-file memory: ${plan.memoryRuns} pairs (alternating order) of a ${ShortLines}-line and a ${plan.callsFileLines}-line calls-file of`,
    `  payloads for \`${EchoOperation}\` (concurrency 4), peak RSS of the step.`
  ],
  async run(session) {
    const lines = session.options.plan.callsFileLines
    const short = path.join(scratch, `calls-short-${process.pid}.jsonl`)
    const long = path.join(scratch, `calls-long-${process.pid}.jsonl`)
    await writeCallsFile(short, ShortLines)
    await writeCallsFile(long, lines)
    /** @param {string} file */
    const step = file =>
      session.action(
        `calls-file of ${file === short ? ShortLines : lines} lines`,
        {
          'service-name': EchoOperation,
          'calls-file': file,
          url: session.sim.url,
          token: StaticToken
        },
        // calls-file is read only inside the workspace: the scratch folder is the step's.
        { measureRss: true, killAfterMs: 1_800_000, env: { GITHUB_WORKSPACE: scratch } }
      )
    try {
      const pairs = await interleave(
        { warmup: 0, iterations: session.options.plan.memoryRuns },
        {
          short: async () => {
            const run = await step(short)
            session.sim.reset()
            return run
          },
          long: async () => {
            const run = await step(long)
            // The simulator keeps every request it saw; the long file's would weigh on later runs.
            session.sim.reset()
            return run
          }
        }
      )
      /** @param {{ maxRssKb?: number }} run */
      const kb = run => run.maxRssKb ?? NaN
      return {
        lines,
        shortRss: pairs.short.map(kb),
        longRss: pairs.long.map(kb),
        longToShortRss: pairs.long.map((run, i) => kb(run) / kb(pairs.short[i])),
        longWall: pairs.long.map(run => run.wallMs)
      }
    } finally {
      await rm(short, { force: true })
      await rm(long, { force: true })
    }
  },
  rows: result => {
    const short = summarize(result.shortRss)
    const long = summarize(result.longRss)
    const wall = summarize(result.longWall)
    return [
      {
        measure: `${ShortLines}-line calls-file: peak RSS`,
        value: formatMiB(short.median),
        range: range(short, formatMiB)
      },
      {
        measure: `${result.lines}-line calls-file: peak RSS`,
        value: formatMiB(long.median),
        range: range(long, formatMiB),
        ratio: `${ratioCell(summarize(result.longToShortRss))} of ${ShortLines} lines`,
        target: 'calls-file-rss'
      },
      {
        measure: `${result.lines}-line calls-file: wall`,
        value: formatMs(wall.median),
        range: range(wall, formatMs)
      }
    ]
  }
}
