import { jsonHead } from './json-text.js'
import { scrubAndCut } from './secrets.js'
import { flattenLine, headOf, MaxScanChars } from './untrusted-text.js'

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

/**
 * Text from an answer (a key, a message) on one line: flattened, scrubbed of every registered
 * secret first (after the controls are gone, so they cannot split one past the scrubber), then
 * cut to `max` (a secret's beginning left at the cut is scrubbed too).
 */
export function shownText(text: string, max: number): string {
  // Flattening only shortens text, and a window of a few times the limit is plenty to fill it.
  const window = headOf(text, 4 * max)
  return scrubAndCut(flattenLine(window), max, window.length < text.length)
}
