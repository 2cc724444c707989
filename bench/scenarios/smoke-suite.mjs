// @ts-check
/**
 * A smoke suite of 20 calls, each with its check: one step with `calls` against 20 steps of one
 * call each (each a whole process with its own client-secret sign-in), in pairs that alternate
 * which goes first. Wall time and the token requests each way.
 * @module
 */
import { summarize } from '../measure.mjs'
import { interleave } from '../paired.mjs'
import { countCell, formatMs, formatRatio, range } from '../report.mjs'
import { Operation } from '../session.mjs'

/** Calls in the suite. */
export const SmokeCalls = 20

/**
 * @typedef {object} SmokeSuiteResult
 * @property {number[]} oneStepWall
 * @property {number[]} stepsWall The 20 steps one after another, summed.
 * @property {number[]} speedup stepsWall over oneStepWall, within each pair.
 * @property {number[]} oneStepTokens Token requests of the one step.
 * @property {number[]} stepsTokens Token requests of the 20 steps.
 */

/**
 * @param {import('../session.mjs').BundleRun[]} runs
 */
function tokenRequests(runs) {
  return runs.flatMap(run => run.requests).filter(r => r.kind === 'token').length
}

/** @type {import('./index.mjs').Scenario<SmokeSuiteResult>} */
export const smokeSuite = {
  id: 'smoke-suite',
  method: plan => [
    `Smoke suite: ${plan.smokeRuns} pairs (alternating order) of ${SmokeCalls} calls of \`${Operation}\` with \`success-when: UserId\`,`,
    `  as one step with \`calls\` and as ${SmokeCalls} steps of one call each; client-secret sign-in, the simulator as authority.`
  ],
  async run(session) {
    // Sign-in as the client-secret scenario's; each call runs the operation (POST, method auto).
    const signIn = Object.fromEntries(
      Object.entries(session.secretInputs).filter(
        ([name]) => !['service-name', 'method'].includes(name)
      )
    )
    const single = { ...signIn, 'service-name': Operation }
    const calls = JSON.stringify(
      Array.from({ length: SmokeCalls }, (_, i) => ({
        name: `check ${i + 1}`,
        'service-name': Operation,
        'success-when': 'UserId'
      }))
    )
    const pairs = await interleave(
      { warmup: 0, iterations: session.options.plan.smokeRuns },
      {
        one: async () => [await session.action('smoke suite in one step', { ...signIn, calls })],
        steps: async () => {
          const runs = []
          for (let i = 0; i < SmokeCalls; i++) {
            runs.push(
              await session.action(`smoke step ${i + 1}`, { ...single, 'success-when': 'UserId' })
            )
          }
          return runs
        }
      }
    )
    /** @param {import('../session.mjs').BundleRun[]} runs */
    const wall = runs => runs.reduce((sum, run) => sum + run.wallMs, 0)
    return {
      oneStepWall: pairs.one.map(wall),
      stepsWall: pairs.steps.map(wall),
      speedup: pairs.steps.map((runs, i) => wall(runs) / wall(pairs.one[i])),
      oneStepTokens: pairs.one.map(tokenRequests),
      stepsTokens: pairs.steps.map(tokenRequests)
    }
  },
  rows: result => {
    const one = summarize(result.oneStepWall)
    const steps = summarize(result.stepsWall)
    const speedup = summarize(result.speedup)
    return [
      {
        measure: `${SmokeCalls} smoke calls in one step: wall`,
        value: formatMs(one.median),
        range: range(one, formatMs)
      },
      {
        measure: `${SmokeCalls} smoke calls as ${SmokeCalls} steps: wall`,
        value: formatMs(steps.median),
        range: range(steps, formatMs)
      },
      {
        measure: `${SmokeCalls} smoke calls: one step's speed-up`,
        value: formatRatio(speedup.median),
        range: range(speedup, formatRatio),
        target: 'smoke-speedup'
      },
      {
        measure: `${SmokeCalls} smoke calls in one step: token requests`,
        value: countCell(result.oneStepTokens),
        target: 'smoke-token-requests'
      },
      {
        measure: `${SmokeCalls} smoke calls as ${SmokeCalls} steps: token requests`,
        value: countCell(result.stepsTokens)
      }
    ]
  }
}
