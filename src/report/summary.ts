import * as core from '@actions/core'
import { oneLine } from '../common/errors.js'
import { jsonDepth, MaxJsonDepth } from '../common/json-text.js'
import { scrub, scrubCutEnd } from '../common/secrets.js'
import { stripControls } from '../common/untrusted-text.js'
import { escapeHtml } from './html-escape.js'

const PreviewBytes = 64 * 1024

/** The facts the job summary shows about one run. */
export interface SummaryFacts {
  /** service-name; undefined when the inputs were not valid. */
  readonly serviceName: string | undefined
  /** The call's facts; undefined when the inputs were not valid (no table then). */
  readonly call:
    | {
        readonly method: string
        readonly status: number | undefined
        readonly attempts: number
        readonly elapsedMs: number
        /** Waited between a call's attempts (429, retry-on). */
        readonly waitedMs: number
        /** Poll rounds; 0 without `until`. */
        readonly polls: number
        /** Waited between poll rounds: poll waits, not retries. */
        readonly pollWaitedMs: number
        readonly responseBytes: number
      }
    | undefined
  /** The first bytes of the call's body; undefined leaves the body out (mask-response). */
  readonly bodyHead: Buffer | undefined
  /** The error line, already scrubbed; undefined on success. */
  readonly error: string | undefined
  /** The throttling doctor's line (the action's own words); undefined when no 429 came. */
  readonly throttling?: string
}

/**
 * Pretty-printed JSON (or the text as is), cut at 64 KiB with a note, without control
 * characters (ANSI escapes and bidi controls must not recolour or reorder what a reader sees),
 * and scrubbed of the action's secrets, should the server echo one.
 */
export function bodyPreview(head: Buffer, totalBytes: number): string {
  // A character cut in two at the end decodes as U+FFFD: dropped, so that the beginning of a
  // secret left at the cut is still recognised as one.
  const cut = head.subarray(0, PreviewBytes).toString('utf8')
  const text = totalBytes > PreviewBytes ? cut.replace(/\uFFFD+$/, '') : cut
  let preview = text
  // JSON.stringify recurses: JSON nested deeper than a payload ever is stays as received.
  if (totalBytes <= PreviewBytes && jsonDepth(text, MaxJsonDepth) <= MaxJsonDepth) {
    try {
      preview = JSON.stringify(JSON.parse(text), null, 2)
    } catch {
      // Not JSON: shown as received.
    }
  }
  preview = scrub(stripControls(preview))
  return totalBytes > PreviewBytes
    ? `${scrubCutEnd(preview)}\n… (first ${PreviewBytes} of ${totalBytes} bytes)`
    : preview
}

/**
 * Writes the run's table, error and body preview to the job summary; skipped without
 * GITHUB_STEP_SUMMARY. Text from a server appears only inside `<pre>`, HTML-escaped, so
 * nothing it holds renders as a link, an image or markup. Returns a line saying why the
 * summary could not be written, or undefined.
 */
export async function writeSummary(facts: SummaryFacts): Promise<string | undefined> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return undefined
  const summary = core.summary
    .emptyBuffer()
    .addHeading(
      facts.serviceName === undefined ? 'D365 F&amp;O' : `D365 F&amp;O: ${facts.serviceName}`,
      3
    )
  const call = facts.call
  if (call) {
    const polled = call.polls > 0
    summary.addTable([
      [
        { data: 'Method', header: true },
        { data: 'Status', header: true },
        { data: 'Attempts', header: true },
        { data: 'Elapsed', header: true },
        { data: 'Retries waited', header: true },
        ...(polled
          ? [
              { data: 'Polls', header: true },
              { data: 'Poll waits', header: true }
            ]
          : []),
        { data: 'Response size', header: true }
      ],
      [
        call.method,
        call.status === undefined ? 'no response' : String(call.status),
        String(call.attempts),
        `${call.elapsedMs} ms`,
        `${Math.round(call.waitedMs / 1000)} s`,
        ...(polled ? [String(call.polls), `${Math.round(call.pollWaitedMs / 1000)} s`] : []),
        `${call.responseBytes} bytes`
      ]
    ])
  }
  if (facts.error) summary.addRaw(`\n\n**Error:**\n\n${preformatted(facts.error)}\n\n`)
  if (facts.throttling) summary.addRaw(throttlingParagraph(facts.throttling))
  if (call && call.responseBytes > 0) {
    if (facts.bodyHead === undefined) {
      summary.addRaw('\n\nResponse body not shown (mask-response).\n')
    } else {
      summary.addDetails(
        'Response body',
        `\n\n${preformatted(bodyPreview(facts.bodyHead, call.responseBytes))}\n\n`
      )
    }
  }
  return flushSummary(summary)
}

/**
 * Writes what `summary` holds to the job summary; returns a line saying why it could not be
 * written (the buffer is then dropped), or undefined.
 */
export async function flushSummary(summary: typeof core.summary): Promise<string | undefined> {
  try {
    await summary.write()
    return undefined
  } catch (error) {
    summary.emptyBuffer()
    return `Could not write the job summary (GITHUB_STEP_SUMMARY): ${oneLine(error)}`
  }
}

/**
 * A `<pre>` block, which Markdown leaves alone to its closing tag: with `<`, `>` and `&`
 * escaped the text cannot close it early, open a tag or spell an entity, and without control
 * characters it cannot recolour or reorder what is shown.
 */
function preformatted(text: string): string {
  return `<pre>${escapeHtml(stripControls(text))}</pre>`
}

/** The throttling doctor's line as a paragraph of text. */
export function throttlingParagraph(line: string): string {
  return `\n\n<p><strong>Throttling:</strong> ${escapeHtml(stripControls(line))}</p>\n\n`
}
