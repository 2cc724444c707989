import * as core from '@actions/core'
import { CallError, InputError, oneLine } from './errors.js'
import { safeLine } from './safe-line.js'
import { scrub } from './secrets.js'

/**
 * Where a run failed: a bad `input`; `sign-in` at Entra ID; `transport` (no answer, or a body
 * that broke off); `http` (a status that is not 2xx); `throttled` (429 beyond retry-timeout);
 * a `check` on the answer that did not hold; or `internal`, a fault in the action itself.
 */
export type FailureKind =
  'input' | 'sign-in' | 'transport' | 'http' | 'throttled' | 'check' | 'internal'

/** Why a run failed, as data until the reporter turns it into the `error` output and one line. */
export interface Failure {
  readonly kind: FailureKind
  /** Status of the answer that failed the call; undefined when none came. */
  readonly status?: number
  /**
   * One line saying why. Parts from a server are bounded but may still hold anything: the
   * reporter scrubs, cuts and neutralises the line before anyone sees it.
   */
  readonly message: string
  /** The same line without the service's own words, for mask-response; set when `message` quotes the body. */
  readonly withoutBody?: string
}

/**
 * The failure for something thrown: an InputError is an `input` failure, a CallError a
 * `sign-in` failure where `expected` says one may come; anything else is `internal`, whose
 * stack goes to the debug log.
 */
export function failureOf(error: unknown, expected: 'input' | 'sign-in' | 'internal'): Failure {
  const message = oneLine(error) || 'unknown error'
  if (expected === 'input' && error instanceof InputError) return { kind: 'input', message }
  if (expected === 'sign-in' && error instanceof CallError) {
    return { kind: 'sign-in', status: error.status, message }
  }
  core.debug(scrub(error instanceof Error ? (error.stack ?? message) : message))
  return { kind: 'internal', message }
}

/**
 * The failure as the one line for `::error::`, the `error` output and the summary: inert, with
 * the service's own words left out under mask-response.
 */
export function errorLine(failure: Failure, masked: boolean): string {
  return safeLine(
    masked && failure.withoutBody !== undefined
      ? `${failure.withoutBody} (the service's message is not shown: mask-response)`
      : failure.message
  )
}

/** The failure with `suffix` after its line, with and without the service's words. */
export function withSuffix<T extends Failure>(failure: T, suffix: string): T {
  return {
    ...failure,
    message: failure.message + suffix,
    ...(failure.withoutBody === undefined ? {} : { withoutBody: failure.withoutBody + suffix })
  }
}
