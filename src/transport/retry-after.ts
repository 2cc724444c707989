/**
 * The longest wait a Retry-After is read as (999,999,999 s, about 31 years): longer values,
 * far-future dates and digit strings too long for a number all read as this, never as Infinity.
 */
export const MaxRetryAfterMs = 999_999_999_000

/**
 * Reads a Retry-After header: delta-seconds or an HTTP-date (a date in the past means "now").
 * Returns the wait in ms (at most MaxRetryAfterMs), or undefined when the header is missing or
 * unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  // Header values are bounded by Node's header size limit, so these regexes stay cheap.
  const text = value.trim()
  if (/^\d+$/.test(text)) {
    const digits = text.replace(/^0+(?=\d)/, '')
    return digits.length > 9 ? MaxRetryAfterMs : Number(digits) * 1000
  }
  // An HTTP-date always names a weekday and GMT; a bare number or "-5" is not one.
  if (!/^[A-Za-z]{3},\s/.test(text) || !/GMT$/.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.min(MaxRetryAfterMs, Math.max(0, at - nowMs))
}
