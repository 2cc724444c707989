import type { CallResult } from './results-file.js'

/** Rows the job summary shows, one per call, in input order. */
export const MaxSummaryRows = 100
/** Failed calls the step's failure line names. */
export const MaxNamedFailures = 5

/** What a many-calls step adds up to, kept in bounded memory however many calls it makes. */
export interface CallTally {
  readonly total: number
  readonly succeeded: number
  readonly failed: number
  /** The first MaxSummaryRows calls (by input order), in input order. */
  readonly rows: readonly CallResult[]
  /** Names of the first MaxNamedFailures failed calls (by input order). */
  readonly failedNames: readonly string[]
}

/** Adds up results that arrive in any order. */
export interface Tally {
  add(result: CallResult): void
  /** The totals so far. */
  snapshot(): CallTally
}

/** An empty tally. */
export function createTally(): Tally {
  let succeeded = 0
  let failed = 0
  const rows: CallResult[] = []
  const failures: CallResult[] = []
  const byIndex = (a: CallResult, b: CallResult): number => a.index - b.index
  return {
    add(result) {
      if (result.error === undefined) succeeded++
      else {
        failed++
        failures.push(result)
        failures.sort(byIndex)
        if (failures.length > MaxNamedFailures) failures.pop()
      }
      if (result.index <= MaxSummaryRows) rows.push(result)
    },
    snapshot: () => ({
      total: succeeded + failed,
      succeeded,
      failed,
      rows: [...rows].sort(byIndex),
      failedNames: failures.map(result => result.name)
    })
  }
}

/**
 * The one line a step with failed calls ends with: how many failed and the first few names,
 * e.g. `2 of 5 calls failed: Check journal, Post invoice`.
 */
export function failedCallsLine(tally: CallTally): string | undefined {
  if (tally.failed === 0) return undefined
  const more = tally.failed > tally.failedNames.length ? ', …' : ''
  return (
    `${tally.failed} of ${tally.total} ${tally.total === 1 ? 'call' : 'calls'} failed: ` +
    `${tally.failedNames.join(', ')}${more}`
  )
}
