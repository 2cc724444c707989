// @ts-check
/**
 * Every scenario of the benchmark, in the order they run and appear in the report. A scenario
 * measures (it never judges: its targets are data in bench/targets.mjs, and whether the action
 * behaves is for the tests under __tests__/bench/).
 *
 * A new scenario (say, calls through the loopback delay relay at several round-trip times) is a
 * module here that runs its contenders through the session
 * (bench/session.mjs: the action and the floor, anything it starts handed to `session.own` to be
 * closed), interleaves them with bench/paired.mjs, returns its samples by measure and gives its
 * rows; its targets go in bench/targets.mjs, naming the scenario and the measure.
 * @module
 */
import { bundleSize } from './bundle-size.mjs'
import { callsFileMemory } from './calls-file-memory.mjs'
import { clientSecret } from './client-secret.mjs'
import { largeBody } from './large-body.mjs'
import { latency } from './latency.mjs'
import { lazyLoading } from './lazy-loading.mjs'
import { manyThrottled } from './many-throttled.mjs'
import { smokeSuite } from './smoke-suite.mjs'
import { poll } from './poll.mjs'
import { sovereignClouds } from './sovereign-clouds.mjs'
import { throttled } from './throttled.mjs'
import { tokenCall } from './token-call.mjs'

/**
 * Each scenario's samples by measure, by scenario id.
 * @typedef {Record<string, Record<string, any>>} Results
 */

/**
 * @template R The scenario's samples by measure.
 * @typedef {object} Scenario
 * @property {string} id The name targets and other scenarios' rows refer to it by.
 * @property {(plan: import('../options.mjs').Plan) => string[]} method Its lines of the
 *   report's Method section (continuation lines indented by two spaces).
 * @property {(session: import('../session.mjs').Session) => Promise<R>} run Measures.
 * @property {(result: R, results: Results) => import('../report.mjs').RowSpec[]} rows Its lines
 *   of the table; `results` holds the other scenarios' samples, for rows that pool them.
 * @property {(result: R) => Section} [section] A table of its own, after the Results (Markdown
 *   lines), for figures the one table cannot hold (several Node versions side by side).
 */

/**
 * @typedef {object} Section
 * @property {string} title
 * @property {string[]} lines Markdown.
 */

/** @type {Scenario<any>[]} */
export const Scenarios = [
  tokenCall,
  clientSecret,
  sovereignClouds,
  lazyLoading,
  latency,
  throttled,
  poll,
  largeBody,
  manyThrottled,
  smokeSuite,
  callsFileMemory,
  bundleSize
]
