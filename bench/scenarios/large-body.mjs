// @ts-check
/**
 * Peak RSS of a body streamed to `response-file`: a 1 KiB and a large body in pairs (alternating
 * which goes first, after one warm-up pair), the floor piping the large body to a file with bare
 * node:https for scale, and in full mode a tenth of the large body, to show whether the peak
 * grows with the body. Then the large body's wall time against the floor's, in pairs of their
 * own (no RSS wrapper in those runs).
 * @module
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { summarize } from '../measure.mjs'
import { interleave } from '../paired.mjs'
import { scratch } from '../options.mjs'
import { formatBytes, formatMiB, formatMs, formatRatio, range, ratioCell } from '../report.mjs'
import { LargeOperation, StaticToken } from '../session.mjs'

const SmallBytes = 1024
/** A tenth of the full run's large body. */
const PlateauBytes = 20 * 1024 * 1024

/**
 * @typedef {object} LargeBodyResult
 * @property {number} largeBytes
 * @property {number[]} smallRss Peak RSS (KiB) with the 1 KiB body.
 * @property {number[]} bigRss With the large body.
 * @property {number[]} bigToSmallRss Within each pair.
 * @property {number[]} floorBigRss The floor piping the large body to a file.
 * @property {number[]} bigToFloorRss
 * @property {number[]} plateauRss With PlateauBytes.
 * @property {number[]} timedBigWall The large body, in wall-time pairs with the floor.
 * @property {number[]} timedFloorWall
 * @property {number[]} bigToFloorWall Within each pair.
 */

/**
 * @param {import('../session.mjs').Session} session
 * @param {number} bytes
 * @param {boolean} [measureRss]
 */
function streamToFile(session, bytes, measureRss = true) {
  return session.action(
    `large body (${bytes} bytes)`,
    {
      'service-name': LargeOperation,
      payload: JSON.stringify({ bytes }),
      url: session.sim.url,
      token: StaticToken,
      'response-file': 'bench/body.json'
    },
    { measureRss }
  )
}

/**
 * @param {import('../session.mjs').Session} session
 * @param {number} bytes
 * @param {boolean} [measureRss]
 */
async function floorToFile(session, bytes, measureRss = true) {
  const file = path.join(scratch, `floor-body-${process.pid}.json`)
  try {
    const payload = JSON.stringify({ bytes })
    return await session.floor({ operation: LargeOperation, payload, file, measureRss })
  } finally {
    await rm(file, { force: true })
  }
}

/** @type {import('./index.mjs').Scenario<LargeBodyResult>} */
export const largeBody = {
  id: 'large-body',
  method: plan => [
    `Large body: ${plan.large} pairs (1 KiB, ${formatBytes(plan.largeBytes)}) after one warm-up pair, alternating order, each`,
    `  body streamed by \`${LargeOperation}\` to \`response-file\`; then ${plan.large} pairs of the large body and the floor`,
    '  piping it to a file, alternating order, for wall time.'
  ],
  async run(session) {
    const { large, largeBytes, plateau } = session.options.plan
    const pairs = await interleave(
      { warmup: 1, iterations: large },
      {
        small: () => streamToFile(session, SmallBytes),
        big: () => streamToFile(session, largeBytes)
      }
    )
    const floors = await interleave(
      { warmup: 0, iterations: large },
      { floor: () => floorToFile(session, largeBytes) }
    )
    const plateaus = await interleave(
      { warmup: 0, iterations: plateau },
      { plateau: () => streamToFile(session, PlateauBytes) }
    )
    const timed = await interleave(
      { warmup: 1, iterations: large },
      {
        big: () => streamToFile(session, largeBytes, false),
        floor: () => floorToFile(session, largeBytes, false)
      }
    )
    /** @param {{ maxRssKb?: number }} run */
    const kb = run => run.maxRssKb ?? NaN
    return {
      largeBytes,
      smallRss: pairs.small.map(kb),
      bigRss: pairs.big.map(kb),
      bigToSmallRss: pairs.big.map((run, i) => kb(run) / kb(pairs.small[i])),
      floorBigRss: floors.floor.map(kb),
      bigToFloorRss: pairs.big.map((run, i) => kb(run) / kb(floors.floor[i])),
      plateauRss: plateaus.plateau.map(kb),
      timedBigWall: timed.big.map(run => run.wallMs),
      timedFloorWall: timed.floor.map(run => run.wallMs),
      bigToFloorWall: timed.big.map((run, i) => run.wallMs / timed.floor[i].wallMs)
    }
  },
  rows: result => {
    const label = formatBytes(result.largeBytes)
    const small = summarize(result.smallRss)
    const big = summarize(result.bigRss)
    const plateau = summarize(result.plateauRss)
    const floor = summarize(result.floorBigRss)
    const wall = summarize(result.timedBigWall)
    const floorWall = summarize(result.timedFloorWall)
    return [
      {
        measure: '1 KiB body to response-file: peak RSS',
        value: formatMiB(small.median),
        range: range(small, formatMiB)
      },
      {
        measure: `${label} body to response-file: peak RSS`,
        value: formatMiB(big.median),
        range: range(big, formatMiB),
        ratio: `${ratioCell(summarize(result.bigToSmallRss))} of 1 KiB`,
        target: 'large-body-rss'
      },
      ...(plateau.count
        ? [
            {
              measure: `${formatBytes(PlateauBytes)} body to response-file: peak RSS`,
              value: formatMiB(plateau.median),
              range: range(plateau, formatMiB),
              ratio: `${formatRatio(plateau.median / small.median)} of 1 KiB`
            }
          ]
        : []),
      {
        measure: `Floor piping ${label} to a file: peak RSS`,
        value: formatMiB(floor.median),
        range: range(floor, formatMiB),
        ratio: `action ${ratioCell(summarize(result.bigToFloorRss))}`
      },
      {
        measure: `Floor piping ${label} to a file: wall`,
        value: formatMs(floorWall.median),
        range: range(floorWall, formatMs)
      },
      {
        measure: `${label} body to response-file: wall`,
        value: formatMs(wall.median),
        range: range(wall, formatMs),
        ratio: `${ratioCell(summarize(result.bigToFloorWall))} of the floor's`,
        target: 'large-body-wall'
      }
    ]
  }
}
