// @ts-check
/**
 * A call measured against the floor in pairs: each iteration runs the floor and the call one
 * after the other, alternating which goes first, and takes the ratio within the pair so that
 * drift (another process, a warmer cache) cancels. Peak RSS comes from separate runs of the same
 * iterations, so the RSS wrapper never adds to a wall time. Shared by the call scenarios (and the
 * latency scenarios to come, which add contenders to the same pairs).
 * @module
 */
import { summarize } from './measure.mjs'
import { formatMiB, formatMs, range, ratioCell } from './report.mjs'

/** @typedef {import('./session.mjs').Session} Session */
/** @typedef {import('./session.mjs').BundleRun} BundleRun */
/** @typedef {import('./report.mjs').RowSpec} RowSpec */

/**
 * Samples of one call measured against the floor.
 * @typedef {object} PairedResult
 * @property {number[]} floorWall
 * @property {number[]} wall
 * @property {number[]} wallRatio The call's wall time over the floor's, within each pair.
 * @property {number[]} floorRss Peak RSS in KiB.
 * @property {number[]} rss
 * @property {number[]} rssRatio
 * @property {number[]} authorityRequests Per measured run (timed and RSS runs).
 * @property {number[]} serviceRequests
 */

/**
 * Runs `plan.warmup` unmeasured and `plan.iterations` measured iterations of the call and the floor.
 * @param {Session} session
 * @param {string} label
 * @param {Record<string, string>} inputs
 * @returns {Promise<PairedResult>}
 */
export async function againstFloor(session, label, inputs) {
  const { warmup, iterations } = session.options.plan
  /** @type {PairedResult} */
  const result = {
    floorWall: [],
    wall: [],
    wallRatio: [],
    floorRss: [],
    rss: [],
    rssRatio: [],
    authorityRequests: [],
    serviceRequests: []
  }
  /** @param {BundleRun} run */
  const count = run => {
    result.authorityRequests.push(run.authorityRequests)
    result.serviceRequests.push(run.serviceRequests)
  }
  for (let i = 0; i < warmup + iterations; i++) {
    const measured = i >= warmup
    const call = () => session.action(label, inputs)
    let floor, run
    if (i % 2 === 0) {
      floor = await session.floor()
      run = await call()
    } else {
      run = await call()
      floor = await session.floor()
    }
    const floorRss = await session.floor({ measureRss: true })
    const runRss = await session.action(`${label} (RSS)`, inputs, { measureRss: true })
    if (!measured) continue
    result.floorWall.push(floor.wallMs)
    result.wall.push(run.wallMs)
    result.wallRatio.push(run.wallMs / floor.wallMs)
    const floorKb = floorRss.maxRssKb ?? NaN
    result.floorRss.push(floorKb)
    result.rss.push(runRss.maxRssKb ?? NaN)
    result.rssRatio.push((runRss.maxRssKb ?? NaN) / floorKb)
    count(run)
    count(runRss)
  }
  return result
}

/**
 * The call's wall time and peak RSS rows.
 * @param {PairedResult} result
 * @param {{ wall: string, rss: string, wallTarget?: string }} measures The rows' names, and the
 *   id of the wall time's target.
 * @returns {RowSpec[]}
 */
export function pairedRows(result, measures) {
  const wall = summarize(result.wall)
  const rss = summarize(result.rss)
  return [
    {
      measure: measures.wall,
      value: formatMs(wall.median),
      range: range(wall, formatMs),
      ratio: ratioCell(summarize(result.wallRatio)),
      target: measures.wallTarget
    },
    {
      measure: measures.rss,
      value: formatMiB(rss.median),
      range: range(rss, formatMiB),
      ratio: ratioCell(summarize(result.rssRatio))
    }
  ]
}

/**
 * The floor's rows, pooling the floor samples of every paired scenario.
 * @param {readonly PairedResult[]} results
 * @returns {RowSpec[]}
 */
export function floorRows(results) {
  const wall = summarize(results.flatMap(r => r.floorWall))
  const rss = summarize(results.flatMap(r => r.floorRss))
  return [
    {
      measure: 'Floor (bare node:https GET): wall',
      value: formatMs(wall.median),
      range: range(wall, formatMs),
      ratio: '1.00×'
    },
    {
      measure: 'Floor: peak RSS',
      value: formatMiB(rss.median),
      range: range(rss, formatMiB),
      ratio: '1.00×'
    }
  ]
}
