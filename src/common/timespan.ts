const Timespan = /^(\d{1,2}):(\d{2}):(\d{2})$/

/**
 * Parses the cmdlet's `hh:mm:ss` timespan (hh ≤ 23, mm ≤ 59, ss ≤ 59) into milliseconds.
 * Returns undefined when the text is not such a timespan.
 */
export function parseTimespan(text: string): number | undefined {
  const match = Timespan.exec(text.trim())
  if (!match) return undefined
  const [hours, minutes, seconds] = match.slice(1).map(Number)
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined
  return ((hours * 60 + minutes) * 60 + seconds) * 1000
}

/** Milliseconds as `hh:mm:ss` (whole seconds), the form the inputs take. */
export function formatTimespan(ms: number): string {
  const total = Math.floor(ms / 1000)
  const parts = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60]
  return parts.map(part => String(part).padStart(2, '0')).join(':')
}

/** Whole seconds, rounded up so "0 s" never hides a real wait: "3 s". */
export function wholeSeconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`
}

/** A wall time for a summary: tenths of a second under 10 s ("1.5 s"), else whole seconds ("42 s"). */
export function elapsedSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}
