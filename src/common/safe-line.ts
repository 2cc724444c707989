import { shownText } from './shown-value.js'
import { neutralizeCommands } from './untrusted-text.js'

/** The longest line the action prints or sets as `error`. */
export const MaxLineChars = 4 * 1024

/**
 * Untrusted text as one line that is safe to print, set as an output or put in the summary:
 * shownText (flattened, scrubbed of every registered secret, then cut to `max`), then
 * neutralised so that the runner reads no command in it.
 */
export function safeLine(text: string, max = MaxLineChars): string {
  return neutralizeCommands(shownText(text, max))
}
