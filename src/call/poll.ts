import type { Failure } from '../common/failure.js'
import type { InvokeResult } from './invoker.js'
import type { Verdict } from './outcome-check.js'
import { expressionText } from './answer-text.js'
import { addThrottling, NoThrottling } from '../doctors/throttle-doctor.js'
import { formatTimespan, wholeSeconds } from '../common/timespan.js'

/** When and how long the same call is repeated (the `until` inputs). */
export interface PollPlan {
  /** The JMESPath condition that ends the polling. */
  readonly until: string
  /** Wait between the end of one round and the start of the next, in ms. */
  readonly intervalMs: number
  /** Deadline for the whole polling, counted from the first round; 0 = no limit. */
  readonly timeoutMs: number
}

/** The clock, sleep and log of the poll loop; tests pass fakes, so nothing really waits. */
export interface PollDeps {
  now(): number
  sleep(ms: number): Promise<void>
  info(line: string): void
}

/** How the polling ended: the last round's answer, with attempts and waits of every round. */
export interface PollOutcome {
  readonly result: InvokeResult
  /** Rounds run. */
  readonly polls: number
  /** Why the polling failed; undefined when `until` held. */
  readonly failure: Failure | undefined
  /** Time spent waiting between polls (poll-interval), apart from retry waits. */
  readonly pollWaitedMs: number
}

/**
 * Runs `round` (one call with its retries, `label` being its `METHOD <url>`; it gets the poll
 * deadline, which no retry wait may pass) and `judge` until the verdict is done or failed, or
 * the next round would start after poll-timeout. Rounds are `intervalMs` apart; each logs one
 * line with what `until` saw.
 */
export async function poll(
  plan: PollPlan,
  label: string,
  round: (deadlineMs: number | undefined) => Promise<InvokeResult>,
  judge: (result: InvokeResult) => Promise<Verdict>,
  deps: PollDeps
): Promise<PollOutcome> {
  const startedAt = deps.now()
  const deadline = plan.timeoutMs === 0 ? undefined : startedAt + plan.timeoutMs
  let attempts = 0
  let waitedMs = 0
  let throttling = NoThrottling
  let pollWaitedMs = 0
  for (let polls = 1; ; polls++) {
    const answer = await round(deadline)
    attempts += answer.attempts
    waitedMs += answer.waitedMs
    throttling = addThrottling(throttling, answer.throttling)
    const result: InvokeResult = {
      ...answer,
      attempts,
      waitedMs,
      throttling,
      elapsedMs: deps.now() - startedAt
    }
    const verdict = await judge(result)
    // `Poll 3 (40 s): Status = "Executing" → not yet`: what until read, never a bare "false".
    const prefix = `Poll ${polls} (${wholeSeconds(deps.now() - startedAt)})`
    if (verdict.state === 'done') {
      deps.info(`${prefix}: ${verdict.seen ?? `until '${expressionText(plan.until)}'`} → done`)
      return { result, polls, failure: undefined, pollWaitedMs }
    }
    if (verdict.state === 'failed') {
      deps.info(`${prefix}: the call failed`)
      return { result, polls, failure: verdict.failure, pollWaitedMs }
    }
    const now = deps.now()
    if (deadline !== undefined && now + plan.intervalMs > deadline) {
      deps.info(`${prefix}: ${verdict.seen} → not yet, and poll-timeout ends before the next poll`)
      const words = verdict.words === undefined ? '' : ` — F&O says: ${verdict.words}`
      return {
        result,
        polls,
        pollWaitedMs,
        failure: {
          kind: 'check',
          status: result.status,
          message:
            `${label} failed: until '${expressionText(plan.until)}' did not hold within poll-timeout ` +
            `${formatTimespan(plan.timeoutMs)} (${polls} ${polls === 1 ? 'poll' : 'polls'}; last seen: ${verdict.seen})${words}`
        }
      }
    }
    const left = deadline === undefined ? 'no poll-timeout' : `${wholeSeconds(deadline - now)} left`
    deps.info(
      `${prefix}: ${verdict.seen} → not yet, next poll in ${wholeSeconds(plan.intervalMs)} (${left})`
    )
    await deps.sleep(plan.intervalMs)
    pollWaitedMs += plan.intervalMs
  }
}
