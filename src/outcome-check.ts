import type { JSONValue } from '@jmespath-community/jmespath'
import { MaxResponseOutputBytes } from './constants.js'
import { oneLine } from './errors.js'
import type { Failure } from './failure.js'
import type { InvokeResult } from './invoker.js'
import { jsonHead } from './json-text.js'
import type { RetryOn } from './retry-classes.js'
import { safeLine } from './safe-line.js'
import { scrubAndCut } from './secrets.js'
import { MaxScanChars } from './untrusted-text.js'

type Jmespath = typeof import('@jmespath-community/jmespath')
let jmespath: Promise<Jmespath> | undefined

/** JMESPath is loaded only when an expression is given, so a plain call never pays for it. */
function loadJmespath(): Promise<Jmespath> {
  jmespath ??= import('@jmespath-community/jmespath')
  return jmespath
}

/** Why `expression` is not valid JMESPath (one line), or undefined when it compiles. */
export async function expressionProblem(expression: string): Promise<string | undefined> {
  const { compile } = await loadJmespath()
  try {
    compile(expression)
    return undefined
  } catch (error) {
    return bounded(oneLine(error), 200)
  }
}

/** JMESPath's notion of false: false, null, '', [] and {} (0 is true). */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

const MaxValueChars = 200

/**
 * A value as short JSON for a log line or message: at most 200 characters, on one line, and
 * with `#` written as `\u0023` (the same JSON) so that no `##[command]` can reach the runner.
 * It is written without recursion (a value from a server may nest thousands deep), and
 * scrubbed of secrets before it is cut, so no beginning of an echoed secret survives the cut.
 */
export function describeValue(value: unknown): string {
  const json = jsonHead(value, MaxScanChars)
  return bounded(json.text, MaxValueChars, json.truncated).replace(/#/g, '\\u0023')
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
  | { readonly state: 'not-yet'; readonly seen: string }

/**
 * Judges the final answer of one call. Order: no answer or a failed one (404 and the retry-on
 * classes are "not yet" while polling), `fail-when` on any JSON answer, an HTML page instead of
 * JSON, then for a 2xx answer `until` (polling) and `success-when`. An expression on a body
 * that is not JSON is a failure that says so. Values appear in messages only short, and never
 * with mask-response.
 */
export async function judgeAnswer(result: InvokeResult, checks: OutcomeChecks): Promise<Verdict> {
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
  let json: { value: JSONValue } | { problem: string } | undefined
  if (wanted.length > 0) {
    json = readJson(result)
    if ('problem' in json && ok) {
      return check(
        `${checks.label} failed: ${json.problem}, so ${wanted.map(([name]) => name).join(' and ')} cannot be checked`
      )
    }
  }
  const evaluate = async (
    name: string,
    expression: string
  ): Promise<{ value: unknown } | { failure: Verdict }> => {
    if (json === undefined || 'problem' in json) return { value: null }
    try {
      const { search } = await loadJmespath()
      return { value: search(json.value, expression) }
    } catch (error) {
      return {
        failure: check(
          `${checks.label} failed: ${name} '${expressionText(expression)}' could not be evaluated: ${bounded(oneLine(error), 200)}`
        )
      }
    }
  }
  const shown = (value: unknown): string =>
    checks.maskResponse ? '(not shown: mask-response)' : describeValue(value)

  if (checks.failWhen !== undefined && json !== undefined && 'value' in json) {
    const outcome = await evaluate('fail-when', checks.failWhen)
    if ('failure' in outcome) return outcome.failure
    if (isTruthy(outcome.value)) {
      return check(
        `${checks.label} failed: fail-when '${expressionText(checks.failWhen)}' evaluated to ${shown(outcome.value)} (HTTP ${status})`
      )
    }
  }

  if (!ok) {
    if (polling && (status === 404 || countsAsNotYet(result, checks.retryOn))) {
      return { state: 'not-yet', seen: `HTTP ${status}` }
    }
    return failed(
      result.failure ?? { kind: 'http', status, message: `${checks.label} failed: HTTP ${status}` }
    )
  }

  let seen: string | undefined
  if (checks.until !== undefined) {
    const outcome = await evaluate('until', checks.until)
    if ('failure' in outcome) return outcome.failure
    seen = shown(outcome.value)
    if (!isTruthy(outcome.value)) return { state: 'not-yet', seen }
  }

  if (checks.successWhen !== undefined) {
    const outcome = await evaluate('success-when', checks.successWhen)
    if ('failure' in outcome) return outcome.failure
    if (!isTruthy(outcome.value)) {
      return check(
        checks.maskResponse
          ? `${checks.label} failed: success-when '${expressionText(checks.successWhen)}' did not hold (value not shown: mask-response; HTTP ${status})`
          : `${checks.label} failed: success-when '${expressionText(checks.successWhen)}' evaluated to ${describeValue(outcome.value)} (HTTP ${status})`
      )
    }
  }
  return { state: 'done', seen }
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
