import { scrubAndCut } from './secrets.js'
import { flattenLine, headOf, neutralizeCommands } from './untrusted-text.js'

/** The longest line the action prints or sets as `error`. */
export const MaxLineChars = 4 * 1024

/**
 * Untrusted text as one line that is safe to print, set as an output or put in the summary:
 * flattened, scrubbed of every registered secret, then cut to `max` characters (a secret's
 * beginning left at the cut is scrubbed too), then neutralised. Scrubbing comes after the
 * controls are gone, so they cannot split a secret past the scrubber and rejoin afterwards.
 */
export function safeLine(text: string, max = MaxLineChars): string {
  // Flattening only shortens text, and a window of a few times the limit is plenty to fill it.
  const window = headOf(text, 4 * max)
  return neutralizeCommands(scrubAndCut(flattenLine(window), max, window.length < text.length))
}
