import { formatTimespan } from '../common/timespan.js'
import { readJwtPayload } from './token-claims.js'

/** A bearer token and when it expires. */
export interface AccessToken {
  readonly token: string
  /** Milliseconds since the epoch; undefined when unknown. */
  readonly expiresAtMs: number | undefined
}

/** The token for each request: the same one, or a fresh one when it is about to expire. */
export interface TokenSource {
  /** A token that is not due for renewal (renewed first when it is: see renewalDueInMs). */
  current(): Promise<string>
}

/** A token that expires within this long is renewed before the next request. */
export const RenewBeforeMs = 5 * 60_000

/**
 * How long before its expiry a token is renewed: 5 minutes, or half its lifetime when that is
 * shorter, so that a short-lived token (a 120-s token of a strict tenant) is renewed at most once
 * per half its lifetime instead of before every request.
 */
export function renewBeforeExpiryMs(lifetimeMs: number): number {
  return Math.min(RenewBeforeMs, Math.max(0, lifetimeMs / 2))
}

/**
 * A source that hands out `first` until it comes within 5 minutes (or half its lifetime, when
 * shorter) of its expiry, then asks `renew` (a new sign-in: client secret, certificate, or OIDC
 * with a fresh GitHub ID token) before the next request; requests that ask while a renewal is
 * under way wait for that one. Without `renew` (a given token) it always hands out `first`.
 */
export function createTokenSource(
  first: AccessToken,
  renew: (() => Promise<AccessToken>) | undefined,
  deps: { now(): number; info(line: string): void }
): TokenSource {
  let token = first
  // The lifetime counts from when the token arrived: its issue time is the server's clock.
  let renewBeforeMs = renewBeforeExpiryMs((first.expiresAtMs ?? 0) - deps.now())
  // Calls in flight at once (many calls in one step) share one renewal, not one each.
  let renewing: Promise<AccessToken> | undefined
  return {
    async current() {
      if (renew === undefined || token.expiresAtMs === undefined) return token.token
      const leftMs = token.expiresAtMs - deps.now()
      if (leftMs > renewBeforeMs) return token.token
      if (renewing === undefined) {
        deps.info(
          leftMs > 0
            ? `The token expires in ${Math.floor(leftMs / 1000)} s: signing in again`
            : 'The token has expired: signing in again'
        )
        renewing = renew()
          .then(renewed => {
            renewBeforeMs = renewBeforeExpiryMs((renewed.expiresAtMs ?? 0) - deps.now())
            return renewed
          })
          .finally(() => {
            renewing = undefined
          })
      }
      token = await renewing
      return token.token
    }
  }
}

/** The `exp` claim of a JWT in ms since the epoch, unverified; undefined when it has none. */
export function jwtExpiryMs(jwt: string): number | undefined {
  const exp = readJwtPayload(jwt)?.['exp']
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined
}

/**
 * The warning for a given `token` that expires before polling can end (it cannot be renewed),
 * or undefined. `pollTimeoutMs` 0 means polling has no limit, so any expiry comes first.
 */
export function givenTokenWarning(
  token: string,
  pollTimeoutMs: number,
  nowMs: number
): string | undefined {
  const expiresAt = jwtExpiryMs(token)
  if (expiresAt === undefined) return undefined
  if (pollTimeoutMs !== 0 && expiresAt >= nowMs + pollTimeoutMs) return undefined
  const when =
    expiresAt <= nowMs
      ? 'has already expired'
      : `expires in ${formatTimespan(expiresAt - nowMs)}, before poll-timeout (${pollTimeoutMs === 0 ? 'no limit' : formatTimespan(pollTimeoutMs)}) ends`
  return (
    `The given token ${when}, and a given token cannot be renewed: polls after its expiry will fail with HTTP 401. ` +
    'Sign in with client-secret, client-certificate or GitHub OIDC instead, and the token is renewed as needed.'
  )
}
