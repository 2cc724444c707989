import * as core from '@actions/core'

const PreviewBytes = 64 * 1024

/** The facts the job summary shows about one call. */
export interface SummaryFacts {
  readonly serviceName: string
  readonly method: string
  readonly status: number | undefined
  readonly attempts: number
  readonly elapsedMs: number
  readonly waitedMs: number
  readonly responseBytes: number
  /** The first bytes of the body; undefined leaves the body out (mask-response). */
  readonly bodyHead: Buffer | undefined
  readonly error: string | undefined
}

/** Pretty-printed JSON (or the text as is), cut at 64 KiB with a note. */
export function bodyPreview(head: Buffer, totalBytes: number): string {
  const text = head.subarray(0, PreviewBytes).toString('utf8')
  let preview = text
  if (totalBytes <= PreviewBytes) {
    try {
      preview = JSON.stringify(JSON.parse(text), null, 2)
    } catch {
      // Not JSON: shown as received.
    }
  }
  return totalBytes > PreviewBytes
    ? `${preview}\n… (first ${PreviewBytes} of ${totalBytes} bytes)`
    : preview
}

/** Writes the call's table and body preview to the job summary; skipped without GITHUB_STEP_SUMMARY. */
export async function writeSummary(facts: SummaryFacts): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return
  const summary = core.summary.addHeading(`D365 F&amp;O: ${facts.serviceName}`, 3).addTable([
    [
      { data: 'Method', header: true },
      { data: 'Status', header: true },
      { data: 'Attempts', header: true },
      { data: 'Elapsed', header: true },
      { data: 'Retries waited', header: true },
      { data: 'Response size', header: true }
    ],
    [
      facts.method,
      facts.status === undefined ? 'no response' : String(facts.status),
      String(facts.attempts),
      `${facts.elapsedMs} ms`,
      `${Math.round(facts.waitedMs / 1000)} s`,
      `${facts.responseBytes} bytes`
    ]
  ])
  if (facts.error) summary.addRaw(`\n\n**Error:** ${escapeHtml(facts.error)}\n\n`)
  if (facts.bodyHead === undefined) {
    summary.addRaw('\n\nResponse body not shown (mask-response).\n')
  } else if (facts.responseBytes > 0) {
    summary.addDetails(
      'Response body',
      `\n\n<pre>${escapeHtml(bodyPreview(facts.bodyHead, facts.responseBytes))}</pre>\n\n`
    )
  }
  await summary.write()
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
