// @ts-check
/**
 * The benchmark's targets, declared once as data: the table's Target and Met cells, the report's
 * Targets section and the results file all read them through `judge`. A target is a figure the
 * benchmark reports, not a test: missing one never fails the run.
 * @module
 */
import { summarize } from './measure.mjs'
import { countCell, formatBytes, formatMiB, formatMs, formatRatio } from './report.mjs'
import { AdmittedRate } from './scenarios/many-throttled.mjs'
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
const ThrottleBudgetMs = DemandedMs * 0.05 + 200
/** Round-trip times (ms) at which the client secret is held to the overlapped floor. */
const LatencyTargetsMs = [20, 80]

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
 * The report's Targets section: each line is met when all its targets are.
 * @typedef {object} Goal
 * @property {string[]} targets Target ids.
 * @property {(results: Results) => string} text
 */

/** @type {readonly Goal[]} */
export const Goals = [
  {
    targets: ['token-wall'],
    text: r => {
      const call = r['token-call']
      return `token call ≤ 1.25× the floor's wall time on the runners' Node 24: median ratio ${formatRatio(summarize(call.wallRatio).median)} (${formatMs(summarize(call.wall).median)} vs ${formatMs(summarize(call.floorWall).median)}).`
    }
  },
  {
    targets: KnownCloudHosts.map(host => `cloud-authority-requests@${host}`),
    text: r =>
      `client-secret sends exactly one request to the authority for the public, US Gov and China clouds: ${KnownCloudHosts.map(host => `${host} ${countCell(r['sovereign-clouds'][`authorityRequests@${host}`])}`).join(', ')}. With the simulator as \`authority-host\` (a custom host, no metadata supplied) MSAL fetches the OpenID configuration once, so ${countCell(r['client-secret'].authorityRequests)} there.`
  },
  {
    targets: ['token-service-requests', 'secret-service-requests'],
    text: r =>
      `exactly one request to F&O when unthrottled: ${countCell(['token-call', 'client-secret', 'sovereign-clouds'].flatMap(id => r[id].serviceRequests))} in every run.`
  },
  {
    targets: ['token-path-msal', 'secret-path-msal'],
    text: r => {
      const lazy = r['lazy-loading']
      return `MSAL is a separate chunk (${lazy.msalChunks.join(', ')}) that the token path never loads (it loads ${lazy.tokenLoads.join(', ')}); the client-secret path loads ${lazy.secretLoads.join(', ')}.`
    }
  },
  {
    targets: ['throttled-overhead', 'throttled-requests'],
    text: r =>
      `429: ${formatMs(summarize(r['throttled'].overheadMs).median)} over the ${DemandedMs / 1000} s demanded (≤ ${ThrottleBudgetMs} ms), ${countCell(r['throttled'].serviceRequests)} requests.`
  },
  {
    targets: ['many-throttled-failed', 'many-throttled-throughput', 'many-throttled-429-share'],
    text: r => {
      const many = r['many-throttled']
      return `${many.calls} calls in one step against ${AdmittedRate} requests/s admitted: ${countCell(many.failed)} failed, throughput ${formatRatio(summarize(many.throughputRatio).median)} of the admitted rate (≥ 0.95×), ${(summarize(many.throttledShare).median * 100).toFixed(1)} % of requests answered 429 (< 5 %).`
    }
  },
  {
    targets: ['smoke-speedup', 'smoke-token-requests'],
    text: r => {
      const smoke = r['smoke-suite']
      return `20 smoke calls in one step vs 20 single-call steps: ${formatRatio(summarize(smoke.speedup).median)} faster (≥ 5×; ${formatMs(summarize(smoke.oneStepWall).median)} vs ${formatMs(summarize(smoke.stepsWall).median)}), ${countCell(smoke.oneStepTokens)} token request instead of ${countCell(smoke.stepsTokens)}.`
    }
  },
  {
    targets: ['calls-file-rss'],
    text: r => {
      const memory = r['calls-file-memory']
      return `a ${memory.lines}-line calls-file runs with peak RSS ≤ 1.5× a 10-line one's: median ratio ${formatRatio(summarize(memory.longToShortRss).median)} (${formatMiB(summarize(memory.longRss).median)} vs ${formatMiB(summarize(memory.shortRss).median)}).`
    }
  },
  {
    targets: LatencyTargetsMs.map(rtt => `latency-secret@${rtt}`),
    text: r => {
      const lat = r['latency']
      const node = lat.nodes[0]
      return `client-secret at RTT ${LatencyTargetsMs.join(' and ')} ms ≤ 1.10× the bare overlapped floor (token ‖ F&O connect), ${node.label}: ${LatencyTargetsMs.map(rtt => `${formatRatio(summarize(lat[`secretToOverlapped@${rtt}`]).median)} at ${rtt} ms`).join(', ')}.`
    }
  },
  {
    targets: ['latency-service-requests', 'latency-authority-requests'],
    text: r =>
      `through the delay relay, still one request to F&O per call (${countCell(r['latency'].serviceRequests)}) and one to the authority per client-secret sign-in (${countCell(r['latency'].authorityRequests)}).`
  },
  {
    targets: ['poll-service-requests', 'poll-service-handshakes', 'poll-token-requests'],
    text: r => {
      const p = r['poll']
      return `a ${PollRounds}-round poll reuses the connection and the token: ${countCell(p.serviceRequests)} F&O requests over ${countCell(p.serviceHandshakes)} TLS handshake(s) to F&O, ${countCell(p.tokenRequests)} token request(s).`
    }
  },
  {
    targets: ['large-body-wall'],
    text: r => {
      const large = r['large-body']
      return `${formatBytes(large.largeBytes)} streamed to response-file ≤ 1.1× the wall time of a bare pipe to a file: median ratio ${formatRatio(summarize(large.bigToFloorWall).median)} (${formatMs(summarize(large.timedBigWall).median)} vs ${formatMs(summarize(large.timedFloorWall).median)}).`
    }
  },
  {
    targets: ['large-body-rss'],
    text: r => {
      const large = r['large-body']
      return `peak RSS for ${formatBytes(large.largeBytes)} streamed ≤ 1.2× the 1 KiB call's: median ratio ${formatRatio(summarize(large.bigToSmallRss).median)} (${formatMiB(summarize(large.bigRss).median)} vs ${formatMiB(summarize(large.smallRss).median)}).`
    }
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
