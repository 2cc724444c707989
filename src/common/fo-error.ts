/** What F&O says about a failure, read from its error body. */
export interface FoError {
  /** The service's own message, without the product's fixed prefix. */
  readonly message?: string
  /** The .NET or X++ exception type. */
  readonly exceptionType?: string
  /** F&O's ActivityId (a GUID), which support asks for. */
  readonly activityId?: string
}

// F&O puts this before every custom-service exception message (its spelling, not ours).
const FixedPrefix = /^An exception occur+ed when invoking the operation - /i
const Guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Error bodies worth reading are small; anything longer is not parsed at all.
const MaxErrorBodyChars = 64 * 1024

/**
 * Reads F&O's error anatomy from a body: the custom-service envelope
 * `{"Message","ExceptionType","ActivityId"}` or the OData error
 * `{"error":{"message","innererror":{"message","type"}}}`. Fields not found (or not of the
 * expected shape: an ActivityId must be a GUID) are left out; a body that is not JSON gives `{}`.
 */
export function parseFoError(body: string): FoError {
  if (body.length > MaxErrorBodyChars) return {}
  let json: unknown
  try {
    json = JSON.parse(body.replace(/^\uFEFF/, ''))
  } catch {
    return {}
  }
  const record = asRecord(json)
  if (!record) return {}
  const odata = asRecord(record['error'])
  if (odata) {
    const inner = asRecord(odata['innererror'])
    return clean({
      message: text(inner?.['message']) ?? text(odata['message']),
      exceptionType: text(inner?.['type']),
      activityId: text(odata['activityId']) ?? text(inner?.['activityId'])
    })
  }
  return clean({
    message: text(record['Message']) ?? text(record['message']),
    exceptionType: text(record['ExceptionType']),
    activityId: text(record['ActivityId'])
  })
}

function clean(found: FoError): FoError {
  const result: { message?: string; exceptionType?: string; activityId?: string } = {}
  const message = found.message?.replace(FixedPrefix, '').trim()
  if (message) result.message = message
  if (found.exceptionType?.trim()) result.exceptionType = found.exceptionType.trim()
  if (found.activityId !== undefined && Guid.test(found.activityId.trim())) {
    result.activityId = found.activityId.trim()
  }
  return result
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** "Message (ExceptionType, ActivityId <guid>)", or undefined when F&O said nothing readable. */
export function describeFoError(error: FoError): string | undefined {
  if (!error.message) return undefined
  const extras = [
    error.exceptionType,
    error.activityId === undefined ? undefined : `ActivityId ${error.activityId}`
  ].filter(Boolean)
  return extras.length > 0 ? `${error.message} (${extras.join(', ')})` : error.message
}
