// @ts-check
/**
 * Calls measured against a floor in interleaved runs: each iteration runs every contender one
 * after the other, rotating which goes first, and a ratio is taken within its iteration, so that
 * drift (another process, a warmer cache) cancels. Peak RSS comes from separate runs, so the RSS
 * wrapper never adds to a wall time. Shared by the call scenarios; a scenario with more
 * contenders (floors with and without overlap, token and client-secret calls through a delay
 * proxy) interleaves them the same way.
 * @module
 */
import { summarize } from './measure.mjs'
import { formatMiB, formatMs, range, ratioCell } from './report.mjs'

/** @typedef {import('./session.mjs').Session} Session */
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
 * Runs every contender once per iteration, rotating which goes first so that drift falls evenly
 * on all of them, and returns the runs of the measured iterations, aligned by iteration (index i
 * of every list comes from the same iteration). Two contenders alternate.
 * @template {Record<string, () => Promise<unknown>>} C
 * @param {{ warmup: number, iterations: number }} counts
 * @param {C} contenders
 * @returns {Promise<{ [K in keyof C]: Awaited<ReturnType<C[K]>>[] }>}
 */
export async function interleave(counts, contenders) {
  const names = Object.keys(contenders)
  /** @type {Record<string, unknown[]>} */
  const runs = Object.fromEntries(names.map(name => [name, []]))
  for (let i = 0; i < counts.warmup + counts.iterations; i++) {
    const shift = i % names.length
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      const run = await contenders[name]()
      if (i >= counts.warmup) runs[name].push(run)
    }
  }
  return /** @type {{ [K in keyof C]: Awaited<ReturnType<C[K]>>[] }} */ (runs)
}

/**
 * The call against the floor: wall times in interleaved pairs, then peak RSS in interleaved
 * pairs of their own.
 * @param {Session} session
 * @param {string} label
 * @param {Record<string, string>} inputs
 * @returns {Promise<PairedResult>}
 */
export async function againstFloor(session, label, inputs) {
  const { plan } = session.options
  const timed = await interleave(plan, {
    floor: () => session.floor(),
    call: () => session.action(label, inputs)
  })
  const rss = await interleave(plan, {
    floor: () => session.floor({ measureRss: true }),
    call: () => session.action(`${label} (RSS)`, inputs, { measureRss: true })
  })
  const calls = [...timed.call, ...rss.call]
  return {
    floorWall: timed.floor.map(run => run.wallMs),
    wall: timed.call.map(run => run.wallMs),
    wallRatio: timed.call.map((run, i) => run.wallMs / timed.floor[i].wallMs),
    floorRss: rss.floor.map(run => run.maxRssKb ?? NaN),
    rss: rss.call.map(run => run.maxRssKb ?? NaN),
    rssRatio: rss.call.map((run, i) => (run.maxRssKb ?? NaN) / (rss.floor[i].maxRssKb ?? NaN)),
    authorityRequests: calls.map(run => run.authorityRequests),
    serviceRequests: calls.map(run => run.serviceRequests)
  }
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
