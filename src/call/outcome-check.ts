import type { InvokeResult } from './invoker.js'
import { fieldsRead, type FieldRead } from './expression-check.js'
import type { RetryOn } from '../transport/retry-classes.js'
import { AnswerChecks, checkFailed, isOk } from './answer-checks.js'
import { htmlTitle, readJson } from './answer-text.js'
import type { CheckLog, OutcomeChecks, Verdict } from './outcome-types.js'

export { expressionProblem } from './expression-check.js'
export { isTruthy } from './answer-checks.js'
export type { CheckLog, OutcomeChecks, Verdict } from './outcome-types.js'

const Silent: CheckLog = { info: () => undefined, warning: () => undefined }

/**
 * Judges the final answer of one call. Order: no answer or a failed one (404 and the retry-on
 * classes are "not yet" while polling), an HTML page instead of JSON, then the fields the checks
 * read against a 2xx answer's keys (a name in other letter case fails at once, as does an
 * `until` field the answer lacks), `fail-when` on any JSON answer, then for a 2xx answer `until`
 * (polling) and `success-when`. Each check evaluated logs one line with the fields it read. An
 * expression on a body that is not JSON is a failure that says so. Values from the answer and
 * F&O's message fields appear scrubbed and short, and never with mask-response.
 */
export async function judgeAnswer(
  result: InvokeResult,
  checks: OutcomeChecks,
  log: CheckLog = Silent
): Promise<Verdict> {
  const status = result.status
  if (status === undefined || result.body === undefined) {
    if (checks.until !== undefined && countsAsNotYet(result, checks.retryOn)) {
      return { state: 'not-yet', seen: 'no answer' }
    }
    const failure = result.failure ?? {
      kind: 'transport',
      message: `${checks.label} failed: no answer`
    }
    return { state: 'failed', failure }
  }
  const ok = isOk(status)
  const html = ok ? htmlTitle(result) : undefined
  if (html !== undefined) {
    const title = html && !checks.maskResponse ? ` ('${html}')` : ''
    return checkFailed(
      status,
      `${checks.label} failed: HTTP ${status} with an HTML page${title} instead of JSON — a sign-in or error page after a redirect? Check 'url' and 'system-url'`
    )
  }
  const wanted = wantedChecks(checks, ok)
  if (wanted.length === 0) return judgeStatus(result, checks)
  const json = readJson(result)
  if ('problem' in json) {
    if (!ok) return judgeStatus(result, checks)
    return checkFailed(
      status,
      `${checks.label} failed: ${json.problem}, so ${wanted.map(([name]) => name).join(' and ')} cannot be checked`
    )
  }
  const fields = new Map<string, readonly FieldRead[]>()
  for (const [name, expression] of wanted) fields.set(name, await fieldsRead(expression))
  const verdict = await new AnswerChecks(status, checks, log, json.value, fields).verdict(wanted)
  return verdict ?? judgeStatus(result, checks)
}

/** The checks that apply to the answer, in the order they run: fail-when, then (2xx) until, success-when. */
function wantedChecks(checks: OutcomeChecks, ok: boolean): [string, string][] {
  const named: [string, string | undefined][] = [['fail-when', checks.failWhen]]
  if (ok) named.push(['until', checks.until], ['success-when', checks.successWhen])
  return named.filter((entry): entry is [string, string] => entry[1] !== undefined)
}

/** The verdict on the status alone: a failed answer (or, polling, "not yet"), or done. */
function judgeStatus(result: InvokeResult, checks: OutcomeChecks): Verdict {
  const status = result.status
  if (isOk(status)) return { state: 'done', seen: undefined }
  if (checks.until !== undefined && (status === 404 || countsAsNotYet(result, checks.retryOn))) {
    return { state: 'not-yet', seen: `HTTP ${status}` }
  }
  return {
    state: 'failed',
    failure: result.failure ?? {
      kind: 'http',
      status,
      message: `${checks.label} failed: HTTP ${status}`
    }
  }
}

/** A retry-on class (429 always) that the invoker gave up on: while polling, only "not yet". */
function countsAsNotYet(result: InvokeResult, retryOn: RetryOn): boolean {
  switch (result.retryClass) {
    case 'throttled':
      return true
    case 'unavailable':
      return retryOn.unavailable
    case 'network':
      return retryOn.network
    default:
      return false
  }
}
