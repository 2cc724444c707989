import type { JSONValue } from '@jmespath-community/jmespath'
import { MaxResponseOutputBytes } from '../common/constants.js'
import { oneLine } from '../common/errors.js'
import { safeLine } from '../common/safe-line.js'
import { scrubAndCut } from '../common/secrets.js'
import type { InvokeResult } from './invoker.js'

/** The expression as the user wrote it, shortened for a message. */
export function expressionText(expression: string): string {
  return scrubAndCut(expression.replace(/\s+/g, ' ').trim(), 120)
}

/** The body as JSON, or why it cannot be read as such. */
export function readJson(result: InvokeResult): { value: JSONValue } | { problem: string } {
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
    const described = type ? `, ${scrubAndCut(oneLine(type), 60)}` : ''
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

export function htmlTitle(result: InvokeResult): string | undefined {
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
