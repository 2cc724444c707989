// @ts-check
/**
 * A poll of ten rounds: a client-secret call with `until`, which the simulator answers
 * `Executing` nine times and then `Succeeded`. What the rounds cost besides the requests
 * themselves: TLS handshakes to F&O (the simulator's completed handshakes; F&O's are told from
 * the authority's by the name the client asked for) and token requests. The client secret signs
 * in at login.microsoftonline.com through a loopback CONNECT proxy (bench/redirect-proxy.mjs)
 * into the simulator; F&O is reached directly (NO_PROXY).
 * @module
 */
import { startRedirectProxy } from '../redirect-proxy.mjs'
import { countCell } from '../report.mjs'
import { KnownCloudHosts, Operation } from '../session.mjs'

/** Rounds of the poll: answers before the one that settles it, plus that one. */
export const PollRounds = 10
/** The `until` expression the answers settle. */
export const PollUntil = "Status == 'Succeeded'"
const AuthorityHost = KnownCloudHosts[0]

/**
 * The answers scripted for `sim.script(Operation, …)`: `Executing` until the last round.
 * @returns {import('../../sim/index.mjs').ScriptedResponse[]}
 */
export function pollAnswers() {
  return Array.from({ length: PollRounds }, (_, i) => ({
    status: 200,
    body: { $id: '1', Status: i === PollRounds - 1 ? 'Succeeded' : 'Executing' }
  }))
}

/**
 * @typedef {object} PollResult Per run.
 * @property {number[]} serviceRequests
 * @property {number[]} serviceHandshakes TLS handshakes to F&O.
 * @property {number[]} tokenRequests
 * @property {number[]} polls The `polls` output.
 */

/** @type {import('./index.mjs').Scenario<PollResult>} */
export const poll = {
  id: 'poll',
  method: plan => [
    `Poll: ${plan.polls} runs of a client-secret call with \`until: ${PollUntil}\` and \`poll-interval: 1\`; the simulator`,
    `  answers \`Executing\` ${PollRounds - 1} times, then \`Succeeded\` (${PollRounds} rounds). TLS handshakes: the simulator's`,
    `  \`secureConnection\` events; F&O's are those without a server name (127.0.0.1), the authority's`,
    `  name ${AuthorityHost} (reached through a loopback CONNECT proxy).`
  ],
  async run(session) {
    const { sim } = session
    const proxy = session.own(await startRedirectProxy(sim.port))
    /** @type {PollResult} */
    const result = { serviceRequests: [], serviceHandshakes: [], tokenRequests: [], polls: [] }
    for (let i = 0; i < session.options.plan.polls; i++) {
      sim.script(Operation, pollAnswers())
      const run = await session.action(
        `${PollRounds}-round poll`,
        {
          ...session.secretInputs,
          'authority-host': `https://${AuthorityHost}`,
          until: PollUntil,
          'poll-interval': '1'
        },
        { env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }
      )
      // Answers a wrong run left unused would answer the next scenario's calls.
      if (run.serviceRequests !== PollRounds) sim.reset()
      result.serviceRequests.push(run.serviceRequests)
      result.serviceHandshakes.push(
        run.tlsHandshakes.filter(handshake => handshake.servername === undefined).length
      )
      result.tokenRequests.push(run.requests.filter(r => r.kind === 'token').length)
      result.polls.push(Number(run.outputs['polls']))
    }
    return result
  },
  rows: result => [
    {
      measure: `${PollRounds}-round poll: F&O requests (polls output)`,
      value: countCell(result.serviceRequests),
      range: `polls ${countCell(result.polls)}`,
      target: 'poll-service-requests'
    },
    {
      measure: `${PollRounds}-round poll: TLS handshakes to F&O`,
      value: countCell(result.serviceHandshakes),
      target: 'poll-service-handshakes'
    },
    {
      measure: `${PollRounds}-round poll: token requests`,
      value: countCell(result.tokenRequests),
      target: 'poll-token-requests'
    }
  ]
}
