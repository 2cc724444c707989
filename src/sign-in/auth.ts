import * as core from '@actions/core'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ConnectionPool } from '../transport/connection-pool.js'
import { createTransport } from '../transport/http.js'
import type { TokenRequestPolicy } from './msal-network.js'
import { safeLine } from '../common/safe-line.js'
import type { Credential, Settings } from '../inputs/settings.js'
import { createTokenSource, type AccessToken, type TokenSource } from './token-source.js'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * The longest MSAL's loading waits for the pre-connections to put their first bytes on the wire.
 * Waiting costs nothing on a real network (MSAL then loads during the TLS round trip instead of
 * the TCP one), saves a proxy's CONNECT from waiting behind the load, and is capped for a host
 * that does not answer.
 */
const HandshakeHeadStartMs = 250

/**
 * The bearer token for the call: the given one as is, or one from Entra ID. MSAL is loaded only
 * when a token must be acquired, so the `token` path never pays for it; while it loads, the
 * connections its first requests need are opened (the authority, and GitHub's ID-token service
 * for OIDC), on the transport those requests then use.
 */
export async function acquireToken(
  credential: Credential,
  policy: TokenRequestPolicy,
  env: Environment = process.env,
  pool?: ConnectionPool
): Promise<AccessToken> {
  if (credential.kind === 'token') return { token: credential.token, expiresAtMs: undefined }
  const transport = createTransport({ timeoutMs: policy.timeoutMs, followRedirects: false, pool })
  transport.preconnect(credential.app.authorityHost)
  if (credential.kind === 'oidc') transport.preconnect(env['ACTIONS_ID_TOKEN_REQUEST_URL'] ?? '')
  // Loading MSAL blocks the event loop for tens of ms: the handshakes start first and run
  // while it loads, instead of after.
  await transport.handshakesUnderway(HandshakeHeadStartMs)
  let entra: typeof import('./entra-token.js')
  try {
    entra = await import('./entra-token.js')
  } catch (error) {
    transport.close()
    throw error
  }
  return entra.acquireEntraToken(credential, policy, transport)
}

/**
 * Signs in once, and returns the source of the token for every request: a token from Entra ID
 * is renewed (signing in again the same way) when it comes within 5 minutes of its expiry, or
 * half its lifetime when that is shorter. The first sign-in takes `pool`, a connection to the
 * authority opened early, if there is one.
 */
export async function signIn(
  credential: Credential,
  policy: TokenRequestPolicy,
  pool?: ConnectionPool
): Promise<TokenSource> {
  const first = await acquireToken(credential, policy, process.env, pool)
  const renew = credential.kind === 'token' ? undefined : () => acquireToken(credential, policy)
  return createTokenSource(first, renew, policy)
}

/** Signs in for the step, with its settings' limits, on the real clock and the step's log. */
export function signInForStep(settings: Settings, pool?: ConnectionPool): Promise<TokenSource> {
  core.info(`Signing in (${settings.credential.kind})`)
  return signIn(
    settings.credential,
    {
      timeoutMs: settings.timeoutMs,
      retryTimeoutMs: settings.retryTimeoutMs,
      now: () => Date.now(),
      sleep: ms => sleep(ms),
      // The token endpoint's URL comes from the authority's metadata: untrusted text.
      info: line => core.info(safeLine(line))
    },
    pool
  )
}
