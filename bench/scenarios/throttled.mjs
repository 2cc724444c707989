// @ts-check
/**
 * A throttled call: the simulator answers 429 with `Retry-After` a few times, then 200. What the
 * action adds to the waits F&O demands, seen from the runner and from the call itself.
 * @module
 */
import { summarize } from '../measure.mjs'
import { countCell, formatMs, range } from '../report.mjs'
import { Operation } from '../session.mjs'

/** Retry-After of the throttled answers, and how many come before the 200. */
export const ThrottleWaitS = 1
export const ThrottleCount = 3
/** The waits F&O demands in all. */
export const DemandedMs = ThrottleCount * ThrottleWaitS * 1000

/**
 * The answers scripted before the simulator's own 200, for `sim.script(Operation, …)`.
 * @returns {import('../../sim/index.mjs').ScriptedResponse[]}
 */
export function throttledAnswers() {
  return Array.from({ length: ThrottleCount }, () => ({
    status: 429,
    headers: { 'Retry-After': String(ThrottleWaitS) },
    body: { Message: 'Too many requests (benchmark)' }
  }))
}

/**
 * @typedef {object} ThrottledResult
 * @property {number[]} overheadMs Wall time minus the waits demanded.
 * @property {number[]} callOverheadMs The elapsed-ms output minus the waits demanded.
 * @property {number[]} serviceRequests
 * @property {number[]} serviceHandshakes TLS handshakes (all to F&O: the token is given).
 */

/** @type {import('./index.mjs').Scenario<ThrottledResult>} */
export const throttled = {
  id: 'throttled',
  method: plan => [
    `429: ${plan.throttled} runs; the simulator answers ${ThrottleCount}× 429 with \`Retry-After: ${ThrottleWaitS}\`, then 200.`
  ],
  async run(session) {
    /** @type {ThrottledResult} */
    const result = {
      overheadMs: [],
      callOverheadMs: [],
      serviceRequests: [],
      serviceHandshakes: []
    }
    for (let i = 0; i < session.options.plan.throttled; i++) {
      session.sim.script(Operation, throttledAnswers())
      const run = await session.action('429 call', session.tokenInputs)
      // Answers a wrong run left unused would throttle the next scenario's calls.
      if (run.serviceRequests !== ThrottleCount + 1) session.sim.reset()
      result.overheadMs.push(run.wallMs - DemandedMs)
      result.callOverheadMs.push(Number(run.outputs['elapsed-ms']) - DemandedMs)
      result.serviceRequests.push(run.serviceRequests)
      result.serviceHandshakes.push(run.tlsHandshakes.length)
    }
    return result
  },
  rows: result => {
    const overhead = summarize(result.overheadMs)
    const call = summarize(result.callOverheadMs)
    return [
      {
        measure: `${ThrottleCount}× 429 (Retry-After: ${ThrottleWaitS}) then 200: wall − ${DemandedMs / 1000} s`,
        value: formatMs(overhead.median),
        range: range(overhead, formatMs),
        target: 'throttled-overhead'
      },
      {
        measure: `429: elapsed-ms output − ${DemandedMs / 1000} s (the call alone)`,
        value: formatMs(call.median),
        range: range(call, formatMs)
      },
      {
        measure: '429: F&O requests',
        value: countCell(result.serviceRequests),
        target: 'throttled-requests'
      },
      {
        measure: '429: TLS handshakes to F&O',
        value: countCell(result.serviceHandshakes)
      }
    ]
  }
}
