// @ts-check
/**
 * The report's Targets section, line by line, over the targets declared in targets.mjs: a line
 * is met when all its targets are.
 * @module
 */
import { summarize } from './measure.mjs'
import { countCell, formatBytes, formatMiB, formatMs, formatRatio } from './report.mjs'
import { AdmittedRate } from './scenarios/many-throttled.mjs'
import { PollRounds } from './scenarios/poll.mjs'
import { DemandedMs } from './scenarios/throttled.mjs'
import { KnownCloudHosts } from './session.mjs'
import { LatencyTargetsMs, ThrottleBudgetMs } from './targets.mjs'

/** @typedef {import('./scenarios/index.mjs').Results} Results */

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
