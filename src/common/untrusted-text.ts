/**
 * Text from a server (F&O, Entra ID, GitHub's OIDC service, a proxy) is untrusted: any F&O user
 * can type it. These helpers bound it before any pattern runs on it and make it inert before it
 * is printed: no control characters, and nothing the runner could parse as a workflow command.
 * @module
 */

/** Text a message is built from is cut to this many characters before any pattern runs on it. */
export const MaxScanChars = 8 * 1024

/** The first `max` characters of `text`, never ending inside a surrogate pair. */
export function headOf(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.charCodeAt(max - 1)
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max)
}

// Colour and cursor sequences (ESC [ parameters final), removed whole so no '[31m' is left over.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const AnsiSequence = /\x1b\[[0-?]*[ -/]*[@-~]/g
// C0 and C1 controls but tab and line feed, DEL, and the bidi marks and overrides that reorder text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const Controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** `text` without ANSI escapes, bidi controls and C0/C1 control characters; `\n` and `\t` stay. */
export function stripControls(text: string): string {
  return text.replace(AnsiSequence, '').replace(Controls, '')
}

/** One line: line breaks (the runner splits on CR as well as LF) and tabs become spaces, controls go. */
export function flattenLine(text: string): string {
  return stripControls(text.replace(/[\r\n\u2028\u2029\t]+/g, ' '))
}

/**
 * A line the runner cannot read as a workflow command, wherever it is printed or echoed later:
 * the legacy `##[command]` marker, which the runner honours anywhere in a line, becomes
 * `##[\command]` (as the runner escapes its own markers), and a line that would start with `::`
 * gets a leading backslash. Expects one line (see `flattenLine`). Idempotent: a line made inert
 * and made inert again (an error line written into the summary) reads the same.
 */
export function neutralizeCommands(line: string): string {
  const inert = line.replace(/##\[(?!\\)/g, '##[\\')
  // The runner trims leading white space (.NET's set; JavaScript's \s covers it once C1 is gone).
  return /^\s*::/.test(inert) ? `\\${inert}` : inert
}
