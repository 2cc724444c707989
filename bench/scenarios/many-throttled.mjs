// @ts-check
/**
 * Many calls against a rate limit: one step sends a calls-file of payloads while the simulator
 * admits `AdmittedRate` requests per second (a token bucket of one second's worth) and answers
 * the rest 429 with Retry-After. Measured from what the simulator saw: how close the step comes
 * to the admitted rate, and how many of its requests were turned away.
 * @module
 */
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { summarize } from '../measure.mjs'
import { scratch } from '../options.mjs'
import { countCell, formatMs, formatRatio, range } from '../report.mjs'
import { StaticToken } from '../session.mjs'

/** Requests the simulator admits per second; its bucket holds one second's worth. */
export const AdmittedRate = 50
/** The operation every call runs. */
export const EchoOperation = 'SimTestService/EchoService/Echo'

/**
 * @typedef {object} ManyThrottledResult
 * @property {number} calls
 * @property {number[]} failed The step's `failed` output.
 * @property {number[]} throughputRatio Admitted requests after the first full bucket, per second
 *   from the first request to the last admitted one, over AdmittedRate.
 * @property {number[]} throttledShare Requests answered 429 over all requests.
 * @property {number[]} requests
 * @property {number[]} wallMs
 */

/** @type {import('./index.mjs').Scenario<ManyThrottledResult>} */
export const manyThrottled = {
  id: 'many-throttled',
  method: plan => [
    `Many calls, throttled: ${plan.throttledCalls} payloads in one \`calls-file\` (concurrency 4), the simulator admitting`,
    `  ${AdmittedRate} requests/s (bucket of ${AdmittedRate}) and answering the rest 429 with Retry-After; throughput counts the`,
    '  requests admitted after the first full bucket, from the first request to the last admitted one.'
  ],
  async run(session) {
    const calls = session.options.plan.throttledCalls
    const file = path.join(scratch, `many-throttled-${process.pid}.jsonl`)
    await writeFile(
      file,
      Array.from({ length: calls }, (_, i) => JSON.stringify({ _request: i + 1 })).join('\n')
    )
    /** @type {ManyThrottledResult} */
    const result = {
      calls,
      failed: [],
      throughputRatio: [],
      throttledShare: [],
      requests: [],
      wallMs: []
    }
    session.sim.throttle({ rate: AdmittedRate })
    try {
      const run = await session.action(
        `${calls} throttled calls`,
        {
          'service-name': EchoOperation,
          'calls-file': file,
          url: session.sim.url,
          token: StaticToken
        },
        // calls-file is read only inside the workspace: the scratch folder is the step's.
        { killAfterMs: 600_000, env: { GITHUB_WORKSPACE: scratch } }
      )
      const requests = run.requests.filter(r => r.kind === 'service')
      const admitted = requests.filter(r => r.status === 200)
      const seconds = ((admitted.at(-1)?.time ?? NaN) - (requests[0]?.time ?? NaN)) / 1000
      result.failed.push(Number(run.outputs['failed']))
      result.throughputRatio.push((admitted.length - AdmittedRate) / seconds / AdmittedRate)
      result.throttledShare.push(requests.filter(r => r.status === 429).length / requests.length)
      result.requests.push(requests.length)
      result.wallMs.push(run.wallMs)
    } finally {
      session.sim.throttle(undefined)
      await rm(file, { force: true })
    }
    return result
  },
  rows: result => {
    const throughput = summarize(result.throughputRatio)
    const share = summarize(result.throttledShare)
    const wall = summarize(result.wallMs)
    return [
      {
        measure: `${result.calls} calls at ${AdmittedRate} req/s admitted: failed calls`,
        value: countCell(result.failed),
        target: 'many-throttled-failed'
      },
      {
        measure: `${result.calls} calls: throughput / admitted rate`,
        value: formatRatio(throughput.median),
        range: range(throughput, formatRatio),
        target: 'many-throttled-throughput'
      },
      {
        measure: `${result.calls} calls: share of requests answered 429`,
        value: `${(share.median * 100).toFixed(1)} %`,
        range: `${countCell(result.requests)} requests`,
        target: 'many-throttled-429-share'
      },
      {
        measure: `${result.calls} calls at ${AdmittedRate} req/s: wall`,
        value: formatMs(wall.median),
        range: range(wall, formatMs)
      }
    ]
  }
}
