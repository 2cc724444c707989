// @ts-check
/**
 * Calls at a real network's round-trip time: F&O and the authority are each reached through a
 * loopback delay relay (bench/delay-relay.mjs), at RTT 0, 20 and 80 ms. Each iteration runs, in
 * rotating order, three floors — one GET with a given token; a client-credentials token request
 * and then the GET (sequential); the token request while the TLS connection to F&O opens
 * (overlapped) — and the action with a given token and with a client secret. The client secret
 * signs in at login.microsoftonline.com (src/sign-in/cloud-metadata.ts's metadata: the token request is
 * the only one), reached through a loopback CONNECT proxy (bench/redirect-proxy.mjs) whose
 * tunnels go into the authority's relay; F&O is reached directly (NO_PROXY). Run under the
 * measured Node (the headline: the runners' Node 24) and, when there is one, a second Node.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { startDelayRelay } from '../delay-relay.mjs'
import { summarize } from '../measure.mjs'
import { interleave } from '../paired.mjs'
import { startRedirectProxy } from '../redirect-proxy.mjs'
import { countCell, formatMs, formatRatio, range, ratioCell } from '../report.mjs'
import { KnownCloudHosts } from '../session.mjs'

/** The round-trip times measured, in ms. */
export const RoundTripsMs = [0, 20, 80]
/** The cloud the client secret signs in at. */
const AuthorityHost = KnownCloudHosts[0]

/**
 * Wall times (ms) of one Node binary at one round-trip time, aligned by iteration, and the
 * ratios within each iteration.
 * @typedef {object} LatencySamples
 * @property {number[]} get The floor: one GET with a given token.
 * @property {number[]} sequential The floor: token request, then the GET.
 * @property {number[]} overlapped The floor: token request while connecting to F&O, then the GET.
 * @property {number[]} token The action with a given token.
 * @property {number[]} secret The action with a client secret.
 * @property {number[]} sequentialToGet
 * @property {number[]} overlappedToGet
 * @property {number[]} tokenToGet
 * @property {number[]} secretToGet
 * @property {number[]} secretToOverlapped
 */

/**
 * @typedef {object} LatencyNode
 * @property {string} label `Node 24`, say.
 * @property {string} version
 * @property {Record<string, LatencySamples>} byRtt By round-trip time in ms.
 */

/**
 * The headline Node's ratios are also kept flat (`secretToOverlapped@20`, `tokenToGet@0`…), as
 * targets name them.
 * @typedef {{
 *   nodes: LatencyNode[],
 *   serviceRequests: number[],
 *   authorityRequests: number[]
 * } & Record<string, any>} LatencyResult
 */

/**
 * @param {string} node
 * @returns {{ label: string, version: string }}
 */
function describeNode(node) {
  const version = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()
  return { label: `Node ${version.replace(/^v(\d+).*$/, '$1')}`, version }
}

/**
 * Within-iteration ratios of two aligned lists.
 * @param {number[]} over
 * @param {number[]} under
 */
const ratios = (over, under) => over.map((value, i) => value / under[i])

/** @type {import('./index.mjs').Scenario<LatencyResult>} */
export const latency = {
  id: 'latency',
  method: plan => [
    `Round-trip time: F&O and the authority each behind a loopback relay (bench/delay-relay.mjs)`,
    "  that holds every chunk for half the RTT each way, and a new connection's first bytes one RTT",
    `  more (the TCP handshake); TLS passes through. At each RTT (${RoundTripsMs.join(', ')} ms), ${plan.latency} iterations`,
    `  after ${plan.warmup} warm-up, rotating the order of three floors (one GET with a given token; a`,
    '  client-credentials token request, then the GET; the token request while the TLS connection',
    '  to F&O opens, then the GET over it) and two calls (token; client secret signing in at',
    `  ${AuthorityHost} through a loopback CONNECT proxy into the authority's relay, F&O direct).`,
    '  Each ratio is taken within its iteration.'
  ],
  async run(session) {
    const { options } = session
    const fo = session.own(await startDelayRelay())
    const authority = session.own(await startDelayRelay())
    // The token's audience is system-url, which is the relay's address.
    const sim = await session.simulator({ audience: fo.url })
    fo.forwardTo(sim.port)
    authority.forwardTo(sim.port)
    const proxy = session.own(await startRedirectProxy(authority.port))
    const env = { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    const tokenInputs = { ...session.tokenInputs, url: fo.url }
    const secretInputs = {
      ...session.secretInputs,
      url: fo.url,
      tenant: sim.tenant,
      'authority-host': `https://${AuthorityHost}`
    }
    const signIn = {
      tokenUrl: `https://${AuthorityHost}/${sim.tenant}/oauth2/v2.0/token`,
      dial: { host: '127.0.0.1', port: authority.port },
      scope: `${fo.url}/.default`
    }

    /** @type {LatencyResult} */
    const result = { nodes: [], serviceRequests: [], authorityRequests: [] }
    for (const node of [options.node, options.secondNode].filter(n => n !== undefined)) {
      /** @type {LatencyNode} */
      const measured = { ...describeNode(node), byRtt: {} }
      result.nodes.push(measured)
      for (const rtt of RoundTripsMs) {
        fo.setOneWayDelay(rtt / 2)
        authority.setOneWayDelay(rtt / 2)
        const at = `at RTT ${rtt} ms (${measured.label})`
        const runs = await interleave(
          { warmup: options.plan.warmup, iterations: options.plan.latency },
          {
            get: () => session.floor({ baseUrl: fo.url, node }),
            sequential: () => session.floor({ baseUrl: fo.url, signIn, node }),
            overlapped: () => session.floor({ baseUrl: fo.url, signIn, overlap: true, node }),
            token: () => session.action(`token call ${at}`, tokenInputs, { sim, node, env }),
            secret: () =>
              session.action(`client-secret call ${at}`, secretInputs, { sim, node, env })
          }
        )
        for (const call of [...runs.token, ...runs.secret])
          result.serviceRequests.push(call.serviceRequests)
        for (const call of runs.secret) result.authorityRequests.push(call.authorityRequests)
        /** @param {{ wallMs: number }[]} list */
        const walls = list => list.map(run => run.wallMs)
        const [get, sequential, overlapped, token, secret] = [
          runs.get,
          runs.sequential,
          runs.overlapped,
          runs.token,
          runs.secret
        ].map(walls)
        measured.byRtt[rtt] = {
          get,
          sequential,
          overlapped,
          token,
          secret,
          sequentialToGet: ratios(sequential, get),
          overlappedToGet: ratios(overlapped, get),
          tokenToGet: ratios(token, get),
          secretToGet: ratios(secret, get),
          secretToOverlapped: ratios(secret, overlapped)
        }
      }
    }
    for (const rtt of RoundTripsMs) {
      const headline = result.nodes[0].byRtt[rtt]
      result[`secretToOverlapped@${rtt}`] = headline.secretToOverlapped
      result[`tokenToGet@${rtt}`] = headline.tokenToGet
    }
    return result
  },
  rows: result => {
    const headline = result.nodes[0]
    return [
      ...RoundTripsMs.filter(rtt => rtt > 0).map(rtt => {
        const samples = headline.byRtt[rtt]
        const wall = summarize(samples.secret)
        return {
          measure: `client-secret call at RTT ${rtt} ms (${headline.label}): wall, ratio to the overlapped floor`,
          value: formatMs(wall.median),
          range: range(wall, formatMs),
          ratio: ratioCell(summarize(samples.secretToOverlapped)),
          target: `latency-secret@${rtt}`
        }
      }),
      {
        measure: 'calls through the delay relay: F&O requests',
        value: countCell(result.serviceRequests),
        target: 'latency-service-requests'
      },
      {
        measure: `client-secret calls through the delay relay (authority = ${AuthorityHost}): authority requests`,
        value: countCell(result.authorityRequests),
        target: 'latency-authority-requests'
      }
    ]
  },
  section: result => {
    const nodes = result.nodes
    /** @param {number[]} values */
    const ratio = values => formatRatio(summarize(values).median)
    /** @type {[string, (samples: LatencySamples) => string][]} */
    const measures = [
      ['floor: one GET (wall)', s => formatMs(summarize(s.get).median)],
      ['floor: token, then GET (× one GET)', s => ratio(s.sequentialToGet)],
      ['floor: token ‖ F&O connect (× one GET)', s => ratio(s.overlappedToGet)],
      ['this action, token (× one GET)', s => ratio(s.tokenToGet)],
      ['this action, client-secret (× one GET)', s => ratio(s.secretToGet)],
      ['this action, client-secret (× overlapped floor)', s => ratio(s.secretToOverlapped)]
    ]
    return {
      title: 'Round-trip time',
      lines: [
        `Medians; a ratio is the median of the within-iteration ratios. ${nodes[0].label} is the headline (the runners' Node).`,
        'Reproduce with `npm run bench -- --node="$(npm exec --yes --package=node@24 -- node -p process.execPath)"`',
        'under Node 20, which gives the second column.',
        '',
        `| RTT | Measure | ${nodes.map(node => `${node.label} (${node.version})`).join(' | ')} |`,
        `| --- | --- | ${nodes.map(() => '---:').join(' | ')} |`,
        ...RoundTripsMs.flatMap(rtt =>
          measures.map(
            ([what, cell], i) =>
              `| ${i === 0 ? `${rtt} ms` : ''} | ${what} | ${nodes.map(node => cell(node.byRtt[rtt])).join(' | ')} |`
          )
        )
      ]
    }
  }
}
