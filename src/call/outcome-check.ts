import type { JSONValue } from '@jmespath-community/jmespath'
import {
  caseMismatch,
  describeFields,
  describeKeys,
  foMessages,
  missingFields,
  rootFields
} from './answer-fields.js'
import { MaxResponseOutputBytes } from '../common/constants.js'
import { oneLine } from '../common/errors.js'
import type { Failure } from '../common/failure.js'
import type { InvokeResult } from './invoker.js'
import { fieldsRead, loadJmespath, type FieldRead } from './expression-check.js'
import type { RetryOn } from '../transport/retry-classes.js'
import { safeLine } from '../common/safe-line.js'
import { scrubAndCut } from '../common/secrets.js'
import { shownText, shownValue } from '../common/shown-value.js'

export { expressionProblem } from './expression-check.js'

/** JMESPath's notion of false: false, null, '', [] and {} (0 is true). */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

/** Untrusted text cut to `max` characters: secrets scrubbed first, then cut. */
function bounded(text: string, max: number, truncated = false): string {
  return scrubAndCut(text, max, truncated)
}

/** The checks one answer must pass, as the inputs give them. */
export interface OutcomeChecks {
  /** `METHOD <url>`, to begin every failure line. */
  readonly label: string
  readonly successWhen: string | undefined
  readonly failWhen: string | undefined
  /** The poll condition; undefined when the call does not poll. */
  readonly until: string | undefined
  /** Whether values from the body stay out of every message and log line. */
  readonly maskResponse: boolean
  /** Failures that count as "not yet" while polling, with 404 and 429. */
  readonly retryOn: RetryOn
}

/** What one answer means: the call is done, failed, or (polling) not yet there. */
export type Verdict =
  | { readonly state: 'done'; readonly seen: string | undefined }
  | { readonly state: 'failed'; readonly failure: Failure }
  | {
      readonly state: 'not-yet'
      /** What `until` saw: the fields it read and their values, or the status. */
      readonly seen: string
      /** F&O's message fields in the answer, for a poll that times out. */
      readonly words?: string
    }

/** Where a check's line goes: one line per check evaluated, and a warning it cannot hold. */
export interface CheckLog {
  info(line: string): void
  warning(line: string): void
}

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
  const polling = checks.until !== undefined
  const status = result.status
  const ok = status !== undefined && status >= 200 && status < 300
  const failed = (failure: Failure): Verdict => ({ state: 'failed', failure })
  // A check that did not hold, on this answer.
  const check = (message: string): Verdict => failed({ kind: 'check', status, message })

  if (status === undefined || result.body === undefined) {
    if (polling && countsAsNotYet(result, checks.retryOn)) {
      return { state: 'not-yet', seen: 'no answer' }
    }
    return failed(
      result.failure ?? { kind: 'transport', message: `${checks.label} failed: no answer` }
    )
  }

  const html = ok ? htmlTitle(result) : undefined
  if (html !== undefined) {
    const title = html && !checks.maskResponse ? ` ('${html}')` : ''
    return check(
      `${checks.label} failed: HTTP ${status} with an HTML page${title} instead of JSON — a sign-in or error page after a redirect? Check 'url' and 'system-url'`
    )
  }

  const wanted = [
    ['fail-when', checks.failWhen],
    ...(ok
      ? [
          ['until', checks.until],
          ['success-when', checks.successWhen]
        ]
      : [])
  ].filter((entry): entry is [string, string] => entry[1] !== undefined)
  if (wanted.length === 0) return judgeStatus(result, checks)
  const json = readJson(result)
  if ('problem' in json) {
    if (!ok) return judgeStatus(result, checks)
    return check(
      `${checks.label} failed: ${json.problem}, so ${wanted.map(([name]) => name).join(' and ')} cannot be checked`
    )
  }
  const answer = json.value
  const masked = checks.maskResponse
  const keys = (): string => (masked ? 'its keys not shown: mask-response' : describeKeys(answer))
  const fields = new Map<string, readonly FieldRead[]>()
  for (const [name, expression] of wanted) fields.set(name, await fieldsRead(expression))

  if (ok) {
    for (const [name, expression] of wanted) {
      const mismatch = caseMismatch(answer, fields.get(name) ?? [])
      if (mismatch !== undefined) {
        const has = masked ? 'it in other letter case' : `'${shownText(mismatch.has, 60)}'`
        return check(
          `${checks.label} failed: ${name} '${expressionText(expression)}' reads '${mismatch.read}'; the answer (HTTP ${status}) has ${has} — JMESPath is case-sensitive`
        )
      }
    }
  }

  /** The expression's value and a line for the log: the fields it read, their values, the verdict. */
  const evaluate = async (
    name: string,
    expression: string
  ): Promise<{ value: unknown; seen: string } | { failure: Verdict }> => {
    let value: unknown
    try {
      const { search } = await loadJmespath()
      value = search(answer, expression)
    } catch (error) {
      return {
        failure: check(
          `${checks.label} failed: ${name} '${expressionText(expression)}' could not be evaluated: ${bounded(oneLine(error), 200)}`
        )
      }
    }
    const names = rootFields(fields.get(name) ?? [])
    const seen = masked
      ? `${names.join(', ') || 'value'} not shown (mask-response)`
      : names.length > 0
        ? describeFields(answer, names)
        : `value = ${shownValue(value)}`
    return { value, seen }
  }
  /** What a failed check adds to its line: the fields' values, and F&O's own words. */
  const evidence = (seen: string, missing: readonly string[]): string => {
    if (masked) return ` (HTTP ${status})`
    const lacks =
      missing.length > 0
        ? `; the answer has no ${missing.map(field => `'${field}'`).join(', ')} (${keys()})`
        : ''
    const words = foMessages(answer)
    return ` (HTTP ${status}; ${seen}${lacks})${words === undefined ? '' : ` — F&O says: ${words}`}`
  }

  if (checks.failWhen !== undefined) {
    const outcome = await evaluate('fail-when', checks.failWhen)
    if ('failure' in outcome) return outcome.failure
    const holds = isTruthy(outcome.value)
    log.info(
      `fail-when '${expressionText(checks.failWhen)}': ${outcome.seen} → ${holds ? 'holds: the call fails' : 'does not hold'}`
    )
    if (holds) {
      return check(
        `${checks.label} failed: fail-when '${expressionText(checks.failWhen)}' evaluated to ${shown(outcome.value, masked)}${evidence(outcome.seen, [])}`
      )
    }
    const read = rootFields(fields.get('fail-when') ?? [])
    const missing = missingFields(answer, fields.get('fail-when') ?? [])
    if (read.length > 0 && missing.length === read.length) {
      log.warning(
        `fail-when '${expressionText(checks.failWhen)}' cannot hold on this answer: it reads ${read.map(field => `'${field}'`).join(', ')}, which the answer (HTTP ${status}) does not have (${keys()})`
      )
    }
  }

  if (!ok) return judgeStatus(result, checks)

  let seen: string | undefined
  if (checks.until !== undefined) {
    const outcome = await evaluate('until', checks.until)
    if ('failure' in outcome) return outcome.failure
    seen = outcome.seen
    if (!isTruthy(outcome.value)) {
      const missing = missingFields(answer, fields.get('until') ?? [])
      if (missing.length > 0) {
        return check(
          `${checks.label} failed: until '${expressionText(checks.until)}' reads ${missing.map(field => `'${field}'`).join(', ')}, which the answer (HTTP ${status}) does not have (${keys()}), so it would never hold: polling stopped`
        )
      }
      const words = masked ? undefined : foMessages(answer)
      return words === undefined ? { state: 'not-yet', seen } : { state: 'not-yet', seen, words }
    }
  }

  if (checks.successWhen !== undefined) {
    const outcome = await evaluate('success-when', checks.successWhen)
    if ('failure' in outcome) return outcome.failure
    const holds = isTruthy(outcome.value)
    log.info(
      `success-when '${expressionText(checks.successWhen)}': ${outcome.seen} → ${holds ? 'holds' : 'does not hold: the call fails'}`
    )
    if (!holds) {
      const missing = missingFields(answer, fields.get('success-when') ?? [])
      return check(
        masked
          ? `${checks.label} failed: success-when '${expressionText(checks.successWhen)}' did not hold (value not shown: mask-response; HTTP ${status})`
          : `${checks.label} failed: success-when '${expressionText(checks.successWhen)}' evaluated to ${shownValue(outcome.value)}${evidence(outcome.seen, missing)}`
      )
    }
  }
  return { state: 'done', seen }
}

/** The verdict on the status alone: a failed answer (or, polling, "not yet"), or done. */
function judgeStatus(result: InvokeResult, checks: OutcomeChecks): Verdict {
  const status = result.status
  if (status !== undefined && status >= 200 && status < 300)
    return { state: 'done', seen: undefined }
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

/** A check's value for its failure line, unless mask-response keeps it out. */
function shown(value: unknown, masked: boolean): string {
  return masked ? '(not shown: mask-response)' : shownValue(value)
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

/** The expression as the user wrote it, shortened for a message. */
function expressionText(expression: string): string {
  return bounded(expression.replace(/\s+/g, ' ').trim(), 120)
}

/** The body as JSON, or why it cannot be read as such. */
function readJson(result: InvokeResult): { value: JSONValue } | { problem: string } {
  const bytes = result.body?.bytes ?? 0
  if (bytes > MaxResponseOutputBytes) {
    return { problem: `the answer is ${bytes} bytes, more than the 1 MiB an expression can read` }
  }
  const text = (result.body?.head.toString('utf8') ?? '').replace(/^\uFEFF/, '')
  if (text.trim() === '') return { problem: `the answer (HTTP ${result.status}) is empty` }
  try {
    return { value: JSON.parse(text) as JSONValue }
  } catch {
    const type = result.headers['content-type']
    const described = type ? `, ${bounded(oneLine(type), 60)}` : ''
    return {
      problem: `the answer (HTTP ${result.status}${described}, ${bytes} bytes) is not JSON`
    }
  }
}

/**
 * For an answer that is an HTML page: its title ('' when it has none); undefined otherwise.
 * Only the first 4 KiB are looked at, so no regex runs over a large body.
 */
const MaxTitleChars = 200

function htmlTitle(result: InvokeResult): string | undefined {
  const head = result.body?.head ?? Buffer.alloc(0)
  const start = head
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
  const declared = /^\s*text\/html\b/i.test(result.headers['content-type'] ?? '')
  if (!declared && !/^\s*<(!doctype\s+html|html)[\s>]/i.test(start)) return undefined
  // Scrubbed before the title is taken out: a secret holding '<' would end the title inside it,
  // and what was left of it could no longer be recognised.
  // (A character cut in two at 4 KiB would hide the beginning of a secret left at the cut.)
  const cut = head.length > 4096
  const scrubbed = scrubAndCut(cut ? start.replace(/\uFFFD+$/, '') : start, start.length, cut)
  const title = /<title[^>]*>([^<]*)/i.exec(scrubbed)?.[1]
  return title === undefined ? '' : safeLine(title, MaxTitleChars).replace(/'/g, '’')
}
