import { jsonHead } from './json-text.js'
import { scrubAndCut } from './secrets.js'
import { flattenLine, MaxScanChars } from './untrusted-text.js'

/**
 * A value from an answer as short JSON for a log line or message: written without recursion (a
 * value from a server may nest thousands deep), scrubbed of every registered secret FIRST, then
 * cut to `max` characters, on one line, with `#` written as `\u0023` (the same JSON) so that no
 * `##[command]` can reach the runner. The one way check values are shown.
 */
export function shownValue(value: unknown, max = 80): string {
  const json = jsonHead(value, MaxScanChars)
  return scrubAndCut(json.text, max, json.truncated).replace(/#/g, '\\u0023')
}

/** Text from an answer (a key, a message) on one line: scrubbed first, then cut to `max`. */
export function shownText(text: string, max: number): string {
  return scrubAndCut(flattenLine(text.slice(0, 4 * max)), max, text.length > 4 * max)
}
