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
