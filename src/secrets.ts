import * as core from '@actions/core'

// Every value registered here, so messages from libraries can be scrubbed before they are printed.
const known = new Set<string>()

/**
 * Registers a secret with the runner (`::add-mask::`), line by line, and remembers it for `scrub`.
 * Call it the moment a secret exists, before anything else is logged.
 */
export function maskSecret(value: string | undefined): void {
  if (!value) return
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim()
    // One or two characters would mask ordinary log text; no real secret line is that short.
    if (trimmed.length < 3 || known.has(trimmed)) continue
    known.add(trimmed)
    core.setSecret(trimmed)
  }
}

/** Replaces every registered secret (as is, and URL-encoded) in `text` with `***`. */
export function scrub(text: string): string {
  let result = text
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      result = result.split(form).join('***')
    }
  }
  return result
}
