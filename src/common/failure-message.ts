import { withoutQuery } from './endpoint-url.js'
import { oneLine } from './errors.js'
import type { Failure } from './failure.js'
import { describeFoError, parseFoError } from './fo-error.js'
import { scrubAndCut } from './secrets.js'
import { MaxScanChars } from './untrusted-text.js'

const MaxDetail = 300

/**
 * One line for a non-2xx answer: method, URL without query, status, and F&O's own message
 * taken from its JSON (`Message` without its fixed prefix, `ExceptionType`, `ActivityId`;
 * OData `error.innererror`) or HTML title.
 */
export function describeHttpFailure(
  method: string,
  url: string,
  status: number,
  body: string
): string {
  const detail = serviceMessage(body)
  const parts = [`${method} ${withoutQuery(url)} failed: HTTP ${status}${statusText(status)}`]
  if (detail) parts.push(detail)
  const hint = hintFor(status)
  if (hint) parts.push(hint)
  return parts.join(' — ')
}

/** The failure for a non-2xx answer; `withoutBody` leaves the service's words out (mask-response). */
export function httpFailure(method: string, url: string, status: number, body: string): Failure {
  const message = describeHttpFailure(method, url, status, body)
  const withoutBody = describeHttpFailure(method, url, status, '')
  return message === withoutBody
    ? { kind: 'http', status, message }
    : { kind: 'http', status, message, withoutBody }
}

/** One line for a request that got no answer (refused, reset, DNS, TLS, timeout). */
export function describeTransportFailure(method: string, url: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  const untrusted = typeof code === 'string' && UntrustedCertificate.has(code)
  // Node 24 suggests a command-line flag here, which no step can pass: our hint replaces it.
  const reason = (oneLine(error) || 'unknown error').replace(UseSystemCaAdvice, '')
  const prefix = typeof code === 'string' && !reason.includes(code) ? `${code}: ` : ''
  return `${method} ${withoutQuery(url)} failed: ${prefix}${reason}${untrusted ? ` — ${TlsHint}` : ''}`
}

// Node's codes for a certificate chain it cannot trust (a private CA or TLS inspection).
const UntrustedCertificate = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED'
])
const UseSystemCaAdvice =
  /; if the root CA is installed locally, try running Node\.js with --use-system-ca$/
const TlsHint =
  "the server's certificate is not trusted: behind a TLS-inspecting proxy or with a private CA, " +
  'set NODE_EXTRA_CA_CERTS to its CA file for the job'

/**
 * The service's own explanation in a response body, on one line and shortened. Whatever the body
 * holds, the work is linear: JSON is parsed (linear by nature), other text is cut to a few KiB
 * before any pattern runs on it, and secrets are scrubbed before each cut.
 */
export function serviceMessage(body: string): string {
  const text = body.trim()
  if (!text) return ''
  let found: string | undefined
  try {
    const json: unknown = JSON.parse(text)
    found = describeFoError(parseFoError(text)) ?? messageFromJson(json)
  } catch {
    // Both patterns stop at the next '<', so no run of text is scanned twice.
    const page = scrubAndCut(text, MaxScanChars)
    const title = /<title\b[^<>]*>([^<]*)<\/title>/i.exec(page)?.[1]
    found = title ?? page.replace(/<[^<>]+>/g, ' ')
  }
  return scrubAndCut(oneLine(scrubAndCut(found ?? '', MaxScanChars)), MaxDetail)
}

// OData nests `error` objects; a hostile body may nest them thousands deep, so this is a loop.
const MaxErrorNesting = 8

function messageFromJson(json: unknown): string | undefined {
  let record = json
  for (let depth = 0; depth < MaxErrorNesting; depth++) {
    if (typeof record !== 'object' || record === null) return undefined
    const fields = record as Record<string, unknown>
    const message = fields['Message'] ?? fields['message']
    if (typeof message === 'string') {
      const type = fields['ExceptionType']
      return typeof type === 'string' ? `${message} (${type})` : message
    }
    const error = fields['error']
    if (typeof error === 'string') {
      const description = fields['error_description']
      return typeof description === 'string' ? description : error
    }
    record = error
  }
  return undefined
}

function statusText(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout'
  }
  return names[status] ? ` ${names[status]}` : ''
}

/** The hint of a 404, which the name doctor replaces when F&O's lists tell more. */
export const NotFoundHint =
  "no such service: check 'service-name' (list what the environment offers with service-name set to a service group)"

// 401 and 403 are explained by the sign-in doctor, which reads the token.
function hintFor(status: number): string | undefined {
  return status === 404 ? NotFoundHint : undefined
}
