import { scrubAndCut } from '../common/secrets.js'
import { MaxScanChars } from '../common/untrusted-text.js'

/**
 * Entra ID's own `AADSTS<code>: <description>` in an error text (an `error_description`, or a
 * message quoting one), up to the end of its line or Entra's "Trace ID:"; undefined when there is
 * none. Untrusted text: secrets are scrubbed and it is cut to MaxScanChars before the search,
 * which runs in linear time.
 */
export function entraErrorText(text: string | undefined): string | undefined {
  const bounded = scrubAndCut(text ?? '', MaxScanChars)
  const start = /AADSTS\d+:/.exec(bounded)
  if (!start) return undefined
  const line = bounded.slice(start.index).split(/[\r\n]/, 1)[0] ?? ''
  const trace = line.indexOf('Trace ID:')
  return (trace === -1 ? line : line.slice(0, trace)).trim()
}

/** The `error_description` of a parsed Entra error body, if it has one. */
export function errorDescriptionOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const description = (body as Record<string, unknown>)['error_description']
  return typeof description === 'string' ? description : undefined
}
