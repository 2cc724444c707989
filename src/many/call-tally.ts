import type { CallResult } from './results-file.js'

/** Rows the job summary shows, one per call, in input order. */
export const MaxSummaryRows = 100
/** Failed calls the step's failure line names. */
export const MaxNamedFailures = 5

/**
 * What the summary shows of one call: its result without the answer, so the rows kept for the
 * summary hold no body (100 parsed answers of 64 KiB once took 200 MB).
 */
export type SummaryRow = Pick<
  CallResult,
  'index' | 'name' | 'serviceName' | 'status' | 'attempts' | 'elapsedMs' | 'error'
>

/** What a many-calls step adds up to, kept in bounded memory however many calls it makes. */
export interface CallTally {
  readonly total: number
  readonly succeeded: number
  readonly failed: number
  /** The first MaxSummaryRows calls (by input order), in input order. */
  readonly rows: readonly SummaryRow[]
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
  const rows: SummaryRow[] = []
  const failures: { readonly index: number; readonly name: string }[] = []
  const byIndex = (a: { index: number }, b: { index: number }): number => a.index - b.index
  return {
    add(result) {
      if (result.error === undefined) succeeded++
      else {
        failed++
        failures.push({ index: result.index, name: result.name })
        failures.sort(byIndex)
        if (failures.length > MaxNamedFailures) failures.pop()
      }
      if (result.index <= MaxSummaryRows) rows.push(summaryRow(result))
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

/** Only what the summary prints of a result. */
function summaryRow(result: CallResult): SummaryRow {
  const { index, name, serviceName, status, attempts, elapsedMs, error } = result
  return { index, name, serviceName, status, attempts, elapsedMs, error }
}
