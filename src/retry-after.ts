/**
 * Reads a Retry-After header: delta-seconds or an HTTP-date (a date in the past means "now").
 * Returns the wait in ms, or undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP-date always names a weekday and GMT; a bare number or "-5" is not one.
  if (!/^[A-Za-z]{3},\s/.test(text) || !/GMT$/.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
