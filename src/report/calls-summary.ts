import { MaxSummaryRows, type CallTally } from '../many/call-tally.js'
import { safeLine } from '../common/safe-line.js'
import { elapsedSeconds } from '../common/timespan.js'
import { escapeHtmlCell } from './html-escape.js'

/** The facts of a many-calls step the job summary shows besides the tally. */
export interface CallsSummaryFacts {
  readonly tally: CallTally
  /** Wall time of the whole step's calls. */
  readonly elapsedMs: number
  /** Where every call's result is. */
  readonly resultsFile: string
}

const MaxCellChars = 300

/**
 * The job summary of a many-calls step as HTML: a heading, a table with one row per call up to
 * MaxSummaryRows (in input order), a note when there are more, and the totals. Every text that
 * may come from a server or a file (names, errors) is cut, stripped of control characters and
 * HTML-escaped inside `<code>`, so it renders as text: no link, image, markup or mention.
 * Error lines are expected to be free of body text already when mask-response is set.
 */
export function callsSummaryHtml(facts: CallsSummaryFacts): string {
  const { tally } = facts
  const rows = tally.rows.map(
    row =>
      `<tr><td>${row.index}</td><td>${code(row.name)}</td><td>${row.serviceName === undefined ? '' : code(row.serviceName)}</td>` +
      `<td>${row.status ?? '–'}</td><td>${row.attempts}</td><td>${Math.round(row.elapsedMs)} ms</td>` +
      `<td>${row.error === undefined ? '✅ ok' : `❌ ${code(row.error)}`}</td></tr>`
  )
  const more =
    tally.total > tally.rows.length
      ? `<p>The first ${MaxSummaryRows} of ${tally.total} calls are shown; every call is in the results file.</p>\n`
      : ''
  return (
    `<h3>D365 F&amp;O: ${tally.total} ${tally.total === 1 ? 'call' : 'calls'}</h3>\n` +
    '<table><thead><tr><th>#</th><th>Name</th><th>Service</th><th>Status</th><th>Attempts</th><th>Elapsed</th><th>Result</th></tr></thead>\n' +
    `<tbody>\n${rows.join('\n')}\n</tbody></table>\n` +
    more +
    `<p><strong>${tally.succeeded} succeeded, ${tally.failed} failed</strong> of ${tally.total} in ${elapsedSeconds(facts.elapsedMs)}. ` +
    `Results: ${code(facts.resultsFile)}</p>\n`
  )
}

/**
 * Untrusted text as inert HTML: one line without control characters, scrubbed of secrets and
 * cut (safeLine), then escaped inside `<code>`.
 */
export function code(text: string): string {
  return `<code>${escapeHtmlCell(safeLine(text, MaxCellChars))}</code>`
}
