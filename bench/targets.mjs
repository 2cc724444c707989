// @ts-check
/**
 * The benchmark's targets, declared once as data: the table's Target and Met cells, the report's
 * Targets section and the results file all read them through `judge`. A target is a figure the
 * benchmark reports, not a test: missing one never fails the run.
 * @module
 */
import { summarize } from './measure.mjs'
import { PollRounds } from './scenarios/poll.mjs'
import { DemandedMs, ThrottleCount } from './scenarios/throttled.mjs'
import { KnownCloudHosts } from './session.mjs'

/** @typedef {import('./scenarios/index.mjs').Results} Results */

/**
 * @typedef {object} Target
 * @property {string} id
 * @property {string | string[]} scenario Whose result holds the measure (several: pooled).
 * @property {string} measure The result's key: a list of samples, or one value.
 * @property {'median' | 'each' | 'count'} of What is compared: the samples' median, each
 *   sample, or how many there are.
 * @property {'<=' | '<' | '>=' | '='} comparator
 * @property {number | boolean} target
 * @property {string} label The table's Target cell.
 */

/** 5 % of the waits demanded, plus 200 ms. */
export const ThrottleBudgetMs = DemandedMs * 0.05 + 200
/** Round-trip times (ms) at which the client secret is held to the overlapped floor. */
export const LatencyTargetsMs = [20, 80]

/** @type {readonly Target[]} */
export const Targets = [
  {
    id: 'token-wall',
    scenario: 'token-call',
    measure: 'wallRatio',
    of: 'median',
    comparator: '<=',
    target: 1.25,
    label: '≤ 1.25× floor (median; Node 24)'
  },
  {
    id: 'token-service-requests',
    scenario: 'token-call',
    measure: 'serviceRequests',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'secret-authority-requests',
    scenario: 'client-secret',
    measure: 'authorityRequests',
    of: 'each',
    comparator: '=',
    target: 2,
    label: '= 2 (custom host)'
  },
  ...KnownCloudHosts.map(
    /** @returns {Target} */ host => ({
      id: `cloud-authority-requests@${host}`,
      scenario: 'sovereign-clouds',
      measure: `authorityRequests@${host}`,
      of: 'each',
      comparator: '=',
      target: 1,
      label: '= 1'
    })
  ),
  {
    id: 'secret-service-requests',
    scenario: ['client-secret', 'sovereign-clouds'],
    measure: 'serviceRequests',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'token-path-msal',
    scenario: 'lazy-loading',
    measure: 'tokenPathLoadsMsal',
    of: 'each',
    comparator: '=',
    target: false,
    label: 'no (index.js only)'
  },
  {
    id: 'secret-path-msal',
    scenario: 'lazy-loading',
    measure: 'secretPathLoadsMsal',
    of: 'each',
    comparator: '=',
    target: true,
    label: 'yes'
  },
  {
    id: 'unreached-in-index',
    scenario: 'lazy-loading',
    measure: 'unreachedInIndex',
    of: 'count',
    comparator: '=',
    target: 0,
    label: 'none'
  },
  {
    id: 'on-demand-in-index',
    scenario: 'lazy-loading',
    measure: 'onDemandInIndex',
    of: 'count',
    comparator: '=',
    target: 0,
    label: 'none'
  },
  {
    id: 'throttled-overhead',
    scenario: 'throttled',
    measure: 'overheadMs',
    of: 'median',
    comparator: '<=',
    target: ThrottleBudgetMs,
    label: `≤ ${ThrottleBudgetMs} ms (5 % + 200 ms)`
  },
  {
    id: 'throttled-requests',
    scenario: 'throttled',
    measure: 'serviceRequests',
    of: 'each',
    comparator: '=',
    target: ThrottleCount + 1,
    label: `= ${ThrottleCount + 1}`
  },
  ...LatencyTargetsMs.map(
    /** @returns {Target} */ rtt => ({
      id: `latency-secret@${rtt}`,
      scenario: 'latency',
      measure: `secretToOverlapped@${rtt}`,
      of: 'median',
      comparator: '<=',
      target: 1.1,
      label: '≤ 1.10× overlapped floor (median)'
    })
  ),
  {
    id: 'latency-service-requests',
    scenario: 'latency',
    measure: 'serviceRequests',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'latency-authority-requests',
    scenario: 'latency',
    measure: 'authorityRequests',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'poll-service-requests',
    scenario: 'poll',
    measure: 'serviceRequests',
    of: 'each',
    comparator: '=',
    target: PollRounds,
    label: `= ${PollRounds}`
  },
  {
    id: 'poll-service-handshakes',
    scenario: 'poll',
    measure: 'serviceHandshakes',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'poll-token-requests',
    scenario: 'poll',
    measure: 'tokenRequests',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'large-body-wall',
    scenario: 'large-body',
    measure: 'bigToFloorWall',
    of: 'median',
    comparator: '<=',
    target: 1.1,
    label: "≤ 1.10× the floor's (median)"
  },
  {
    id: 'large-body-rss',
    scenario: 'large-body',
    measure: 'bigToSmallRss',
    of: 'median',
    comparator: '<=',
    target: 1.2,
    label: '≤ 1.20× the 1 KiB call'
  },
  {
    id: 'many-throttled-failed',
    scenario: 'many-throttled',
    measure: 'failed',
    of: 'each',
    comparator: '=',
    target: 0,
    label: '= 0'
  },
  {
    id: 'many-throttled-throughput',
    scenario: 'many-throttled',
    measure: 'throughputRatio',
    of: 'median',
    comparator: '>=',
    target: 0.95,
    label: '≥ 0.95× admitted'
  },
  {
    id: 'many-throttled-429-share',
    scenario: 'many-throttled',
    measure: 'throttledShare',
    of: 'median',
    comparator: '<',
    target: 0.05,
    label: '< 5 %'
  },
  {
    id: 'smoke-speedup',
    scenario: 'smoke-suite',
    measure: 'speedup',
    of: 'median',
    comparator: '>=',
    target: 5,
    label: '≥ 5× faster'
  },
  {
    id: 'smoke-token-requests',
    scenario: 'smoke-suite',
    measure: 'oneStepTokens',
    of: 'each',
    comparator: '=',
    target: 1,
    label: '= 1'
  },
  {
    id: 'calls-file-rss',
    scenario: 'calls-file-memory',
    measure: 'longToShortRss',
    of: 'median',
    comparator: '<=',
    target: 1.5,
    label: '≤ 1.50× the 10-line file'
  }
]

/**
 * Whether each target is met by these results (a target whose scenario has not run is not).
 * @param {Results} results
 * @returns {Map<string, boolean>} By target id.
 */
export function judge(results) {
  return new Map(Targets.map(target => [target.id, isMet(target, results)]))
}

/**
 * @param {Target} target
 * @param {Results} results
 */
function isMet(target, results) {
  const scenarios = [target.scenario].flat()
  if (!scenarios.every(id => results[id] && target.measure in results[id])) return false
  /** @type {(number | boolean)[]} */
  const samples = scenarios.flatMap(id => [results[id][target.measure]].flat())
  /** @param {number | boolean} value */
  const holds = value => {
    switch (target.comparator) {
      case '<=':
        return Number(value) <= Number(target.target)
      case '<':
        return Number(value) < Number(target.target)
      case '>=':
        return Number(value) >= Number(target.target)
      default:
        return value === target.target
    }
  }
  if (target.of === 'count') return holds(samples.length)
  if (target.of === 'median') return holds(summarize(samples.map(Number)).median)
  return samples.length > 0 && samples.every(holds)
}
