import type { Failure } from '../common/failure.js'
import type { RetryOn } from '../transport/retry-classes.js'

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
