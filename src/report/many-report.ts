import * as core from '@actions/core'
import { failedCallsLine } from '../many/call-tally.js'
import { errorLine } from '../common/failure.js'
import { callsSummaryHtml } from './calls-summary.js'
import type { ManyOutcome } from '../many/many-calls.js'
import { writeOutputs } from './outputs.js'
import { safeLine } from '../common/safe-line.js'
import { escapeHtml } from './html-escape.js'
import { flushSummary, throttlingParagraph } from './summary.js'
import { describeThrottling, throttledSeconds } from '../doctors/throttle-doctor.js'

/**
 * Tells the runner how a many-calls step went, once: the totals and the results file as
 * outputs, the table of calls in the job summary, and one line that fails the step or warns
 * (enable-exception) when any call failed, naming how many and the first few. A bad input or a
 * fault of the action always fails.
 */
export async function reportMany(outcome: ManyOutcome): Promise<void> {
  const { settings, tally, failure } = outcome
  const masked = settings.maskResponse
  const error = failure === undefined ? failedCallsLine(tally) : errorLine(failure, masked)
  const throttled = describeThrottling(outcome.throttling, settings.credential)
  if (throttled) core.info(throttled)

  const outputsProblem = writeOutputs({
    status: undefined,
    response: '',
    responseFile: '',
    headers: {},
    attempts: outcome.attempts,
    elapsedMs: outcome.elapsedMs,
    error: error === undefined ? undefined : safeLine(error),
    polls: 0,
    activityId: undefined,
    throttledSec: throttledSeconds(outcome.throttling),
    many: {
      total: tally.total,
      succeeded: tally.succeeded,
      failed: tally.failed,
      resultsFile: outcome.resultsFile
    }
  })
  const summaryProblem = await writeCallsSummary(outcome, failure && error, throttled)
  if (summaryProblem !== undefined) core.warning(safeLine(summaryProblem))

  if (outputsProblem !== undefined) {
    core.setFailed(safeLine(error === undefined ? outputsProblem : `${outputsProblem}. ${error}`))
  } else if (error !== undefined) {
    const fails =
      failure?.kind === 'input' || failure?.kind === 'internal' || settings.enableException
    if (fails) core.setFailed(safeLine(error))
    else core.warning(safeLine(error))
  }
}

/** The table of calls (and the step's own failure); a line saying why it could not be written. */
async function writeCallsSummary(
  outcome: ManyOutcome,
  stepError: string | undefined,
  throttled: string | undefined
): Promise<string | undefined> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return undefined
  const summary = core.summary.emptyBuffer().addRaw(
    callsSummaryHtml({
      tally: outcome.tally,
      elapsedMs: outcome.elapsedMs,
      resultsFile: outcome.resultsFile
    })
  )
  if (stepError !== undefined) {
    summary.addRaw(
      `<p><strong>Error:</strong> <code>${escapeHtml(safeLine(stepError))}</code></p>\n`
    )
  }
  if (throttled !== undefined) summary.addRaw(throttlingParagraph(throttled))
  return flushSummary(summary)
}
