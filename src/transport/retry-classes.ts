import { TimeoutError } from './http.js'

/** Failures retried within retry-timeout besides 429, which always is (the `retry-on` input). */
export interface RetryOn {
  /** 502, 503 and 504: F&O's front end while the environment restarts. */
  readonly unavailable: boolean
  /** Connection failures, including a request that may have reached the server. */
  readonly network: boolean
}

/** What `retry-on` accepts, for messages. */
export const RetryOnChoices = '429, unavailable (502, 503, 504) and network (connection failures)'

/**
 * Parses `retry-on`: a comma (or space) separated list of `429`, `unavailable`, `network`, any
 * case. Returns the bad word instead when one is not among them.
 */
export function parseRetryOn(text: string): RetryOn | { unknown: string } {
  const words = text
    .split(/[\s,]+/)
    .map(word => word.trim().toLowerCase())
    .filter(Boolean)
  const unknown = words.find(word => !['429', 'unavailable', 'network'].includes(word))
  if (unknown !== undefined) return { unknown }
  return { unavailable: words.includes('unavailable'), network: words.includes('network') }
}

/** 502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout. */
export function isUnavailable(status: number): boolean {
  return status === 502 || status === 503 || status === 504
}

// A certificate that cannot be trusted will not be trusted on the next attempt either.
const PermanentCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO'
])

// Failures before a byte of the request can have left: nothing can have run on the server.
const BeforeSendingCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL'
])

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * True for a connection failure that `retry-on: network` retries: refused, reset, DNS, an
 * interrupted TLS handshake, no answer within timeout-sec. Not an untrusted certificate, a
 * refused redirect or anything else that a second attempt cannot change.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TimeoutError || (error as Error | null)?.name === 'TimeoutError') return true
  const code = codeOf(error)
  if (code === undefined) return /^(socket hang up|aborted)$/.test((error as Error)?.message ?? '')
  return !PermanentCodes.has(code) && /^(E[A-Z_]+|ERR_SOCKET_[A-Z_]+)$/.test(code)
}

/**
 * False only when the failure happened before the request can have left (refused, no such
 * host, TLS handshake broken off): a POST that failed otherwise may have run on the server.
 */
export function mayHaveReachedServer(error: unknown): boolean {
  const code = codeOf(error)
  if (code !== undefined && (BeforeSendingCodes.has(code) || PermanentCodes.has(code))) return false
  const message = (error as Error | null)?.message ?? ''
  return !message.startsWith('Client network socket disconnected before secure TLS connection')
}

const FirstBackoffMs = 1000
const MaxBackoffMs = 60_000

/**
 * Exponential back-off with full jitter, for a failure that names no Retry-After: the n-th
 * retry (1-based) waits a random time between 1 s and min(60 s, 2^(n-1) s). `random` returns
 * [0, 1) like Math.random.
 */
export function backoffMs(retry: number, random: () => number): number {
  const cap = Math.min(MaxBackoffMs, FirstBackoffMs * 2 ** Math.max(0, Math.min(retry - 1, 16)))
  return FirstBackoffMs + Math.floor(random() * (cap - FirstBackoffMs))
}
