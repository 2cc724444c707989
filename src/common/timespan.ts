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
