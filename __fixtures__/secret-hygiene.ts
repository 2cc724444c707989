import { expect } from '@jest/globals'
import type { ActionRun } from '../scripts/action-runner.mjs'

/** Lines of a secret as the action registers them (each line of 3+ characters, trimmed). */
function secretLines(secret: string): string[] {
  return secret
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= 3)
}

/**
 * Asserts that no secret leaked from a run: every line of every secret appears in stdout only
 * after its `::add-mask::` line (the runner masks from then on), in stderr never, and never in
 * the GITHUB_OUTPUT file or the job summary. Secrets that were never printed need no mask.
 */
export function expectNoSecretLeaks(run: ActionRun, secrets: readonly string[]): void {
  for (const secret of secrets.filter(Boolean)) {
    for (const line of secretLines(secret)) {
      const mask = run.stdout.indexOf(`::add-mask::${line}\n`)
      const firstUse = firstIndexOutsideMask(run.stdout, line)
      if (firstUse !== -1) {
        expect({
          secretLine: redact(line),
          maskedBeforeUse: mask !== -1 && mask < firstUse
        }).toEqual({
          secretLine: redact(line),
          maskedBeforeUse: true
        })
      }
      expect({ secretLine: redact(line), inStderr: run.stderr.includes(line) }).toEqual({
        secretLine: redact(line),
        inStderr: false
      })
      expect({ secretLine: redact(line), inOutputs: run.outputFile.includes(line) }).toEqual({
        secretLine: redact(line),
        inOutputs: false
      })
      expect({ secretLine: redact(line), inSummary: run.summary.includes(line) }).toEqual({
        secretLine: redact(line),
        inSummary: false
      })
    }
  }
}

/** First place `line` appears in stdout other than inside an `::add-mask::` command. */
function firstIndexOutsideMask(stdout: string, line: string): number {
  let from = 0
  for (;;) {
    const at = stdout.indexOf(line, from)
    if (at === -1) return -1
    const lineStart = stdout.lastIndexOf('\n', at) + 1
    if (!stdout.startsWith('::add-mask::', lineStart)) return at
    from = at + line.length
  }
}

/** Enough of a secret to recognise it in a failure message, not enough to leak it. */
function redact(line: string): string {
  return `${line.slice(0, 3)}…(${line.length} chars)`
}
