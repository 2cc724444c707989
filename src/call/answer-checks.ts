import type { JSONValue } from '@jmespath-community/jmespath'
import {
  caseMismatch,
  describeFields,
  describeKeys,
  foMessages,
  missingFields,
  rootFields
} from './answer-fields.js'
import { oneLine } from '../common/errors.js'
import { loadJmespath, type FieldRead } from './expression-check.js'
import { shownText, shownValue } from '../common/shown-value.js'
import { expressionText } from './answer-text.js'
import { scrubAndCut } from '../common/secrets.js'
import type { CheckLog, OutcomeChecks, Verdict } from './outcome-types.js'

/** JMESPath's notion of false: false, null, '', [] and {} (0 is true). */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

/** A 2xx status: the answer the checks until and success-when read. */
export function isOk(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300
}

/** A check that did not hold, on an answer with this status. */
export function checkFailed(status: number | undefined, message: string): Verdict {
  return { state: 'failed', failure: { kind: 'check', status, message } }
}

/** An expression's value and what it read (the fields and their values), or its failure. */
/** `fields`: what the fields read held, for a failure line; undefined when none was read. */
type Evaluated = { value: unknown; seen: string; fields: string | undefined } | { failure: Verdict }

/** The checks evaluated against one JSON answer, each logging the fields it read. */
export class AnswerChecks {
  private readonly ok: boolean
  private readonly masked: boolean

  constructor(
    private readonly status: number,
    private readonly checks: OutcomeChecks,
    private readonly log: CheckLog,
    private readonly answer: JSONValue,
    private readonly fields: ReadonlyMap<string, readonly FieldRead[]>
  ) {
    this.ok = isOk(status)
    this.masked = checks.maskResponse
  }

  /** The verdict of the checks; undefined when it is the status's to give (an answer not 2xx). */
  async verdict(wanted: readonly [string, string][]): Promise<Verdict | undefined> {
    const { checks } = this
    const mismatch = this.ok ? this.caseMismatch(wanted) : undefined
    if (mismatch !== undefined) return mismatch
    if (checks.failWhen !== undefined) {
      const failed = await this.failWhen(checks.failWhen)
      if (failed !== undefined) return failed
    }
    if (!this.ok) return undefined
    let seen: string | undefined
    if (checks.until !== undefined) {
      const until = await this.until(checks.until)
      if ('state' in until) return until
      seen = until.seen
    }
    if (checks.successWhen !== undefined) {
      const failed = await this.successWhen(checks.successWhen)
      if (failed !== undefined) return failed
    }
    return { state: 'done', seen }
  }

  /** A field a check reads that the answer has in other letter case: JMESPath would miss it. */
  private caseMismatch(wanted: readonly [string, string][]): Verdict | undefined {
    for (const [name, expression] of wanted) {
      const mismatch = caseMismatch(this.answer, this.read(name))
      if (mismatch === undefined) continue
      const has = this.masked ? 'it in other letter case' : `'${shownText(mismatch.has, 60)}'`
      return this.check(
        `${this.checks.label} failed: ${name} '${expressionText(expression)}' reads '${mismatch.read}'; the answer (HTTP ${this.status}) has ${has} — JMESPath is case-sensitive`
      )
    }
    return undefined
  }

  private async failWhen(expression: string): Promise<Verdict | undefined> {
    const outcome = await this.evaluate('fail-when', expression)
    if ('failure' in outcome) return outcome.failure
    const holds = isTruthy(outcome.value)
    this.log.info(
      `fail-when '${expressionText(expression)}': ${outcome.seen} → ${holds ? 'holds: the call fails' : 'does not hold'}`
    )
    if (holds) {
      return this.check(
        `${this.checks.label} failed: fail-when '${expressionText(expression)}' evaluated to ${shown(outcome.value, this.masked)}${this.evidence(outcome.fields, [])}`
      )
    }
    if (this.readsOnlyMissing('fail-when')) {
      this.log.warning(
        `fail-when '${expressionText(expression)}' cannot hold on this answer: it reads ${quoted(rootFields(this.read('fail-when')))}, which the answer (HTTP ${this.status}) does not have (${this.keys()})`
      )
    }
    return undefined
  }

  /** True when the check reads fields from the answer's root and the answer has none of them. */
  private readsOnlyMissing(name: string): boolean {
    const read = rootFields(this.read(name))
    return read.length > 0 && missingFields(this.answer, this.read(name)).length === read.length
  }

  /** Not yet, a failure when it reads a field the answer lacks, or what it saw when it holds. */
  private async until(expression: string): Promise<Verdict | { seen: string }> {
    const outcome = await this.evaluate('until', expression)
    if ('failure' in outcome) return outcome.failure
    const seen = outcome.seen
    if (isTruthy(outcome.value)) {
      // `Staus != 'Executing'` holds on every answer: a typo must not end the poll green.
      if (!this.readsOnlyMissing('until')) return { seen }
      return this.check(
        `${this.checks.label} failed: until '${expressionText(expression)}' reads ${quoted(rootFields(this.read('until')))}, which the answer (HTTP ${this.status}) does not have (${this.keys()}), so it holds on any answer: polling stopped`
      )
    }
    const missing = missingFields(this.answer, this.read('until'))
    if (missing.length > 0) {
      return this.check(
        `${this.checks.label} failed: until '${expressionText(expression)}' reads ${quoted(missing)}, which the answer (HTTP ${this.status}) does not have (${this.keys()}), so it would never hold: polling stopped`
      )
    }
    const words = this.masked ? undefined : foMessages(this.answer)
    return words === undefined ? { state: 'not-yet', seen } : { state: 'not-yet', seen, words }
  }

  private async successWhen(expression: string): Promise<Verdict | undefined> {
    const outcome = await this.evaluate('success-when', expression)
    if ('failure' in outcome) return outcome.failure
    const holds = isTruthy(outcome.value)
    this.log.info(
      `success-when '${expressionText(expression)}': ${outcome.seen} → ${holds ? 'holds' : 'does not hold: the call fails'}`
    )
    if (holds) {
      if (this.readsOnlyMissing('success-when')) {
        this.log.warning(
          `success-when '${expressionText(expression)}' holds only because the answer (HTTP ${this.status}) has no ${quoted(rootFields(this.read('success-when')))} (${this.keys()}): a misspelt field would hold too`
        )
      }
      return undefined
    }
    const missing = missingFields(this.answer, this.read('success-when'))
    return this.check(
      this.masked
        ? `${this.checks.label} failed: success-when '${expressionText(expression)}' did not hold (value not shown: mask-response; HTTP ${this.status})`
        : `${this.checks.label} failed: success-when '${expressionText(expression)}' evaluated to ${shownValue(outcome.value)}${this.evidence(outcome.fields, missing)}`
    )
  }

  /** The expression's value and a line for the log: the fields it read, their values, the verdict. */
  private async evaluate(name: string, expression: string): Promise<Evaluated> {
    let value: unknown
    try {
      const { search } = await loadJmespath()
      value = search(this.answer, expression)
    } catch (error) {
      return {
        failure: this.check(
          `${this.checks.label} failed: ${name} '${expressionText(expression)}' could not be evaluated: ${scrubAndCut(oneLine(error), 200)}`
        )
      }
    }
    const names = rootFields(this.read(name))
    const fields = names.length > 0 && !this.masked ? describeFields(this.answer, names) : undefined
    const seen = this.masked
      ? `${names.join(', ') || 'value'} not shown (mask-response)`
      : (fields ?? `value = ${shownValue(value)}`)
    return { value, seen, fields }
  }

  /**
   * What a failed check adds to its line: the fields' values (the value itself is on the line
   * already when the expression reads no field, as `@` does), and F&O's own words.
   */
  private evidence(fields: string | undefined, missing: readonly string[]): string {
    if (this.masked) return ` (HTTP ${this.status})`
    const lacks =
      missing.length > 0 ? `; the answer has no ${quoted(missing)} (${this.keys()})` : ''
    const words = foMessages(this.answer)
    const seen = fields === undefined ? '' : `; ${fields}`
    return ` (HTTP ${this.status}${seen}${lacks})${words === undefined ? '' : ` — F&O says: ${words}`}`
  }

  private keys(): string {
    return this.masked ? 'its keys not shown: mask-response' : describeKeys(this.answer)
  }

  /** The fields the check `name` reads. */
  private read(name: string): readonly FieldRead[] {
    return this.fields.get(name) ?? []
  }

  private check(message: string): Verdict {
    return checkFailed(this.status, message)
  }
}

/** A check's value for its failure line, unless mask-response keeps it out. */
function shown(value: unknown, masked: boolean): string {
  return masked ? '(not shown: mask-response)' : shownValue(value)
}

/** 'a', 'b': field names for a message. */
function quoted(fields: readonly string[]): string {
  return fields.map(field => `'${field}'`).join(', ')
}
