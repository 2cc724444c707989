import type { TokenRequestPolicy } from './msal-network.js'
import type { Credential } from './settings.js'
import { createTokenSource, type AccessToken, type TokenSource } from './token-source.js'

/**
 * The bearer token for the call: the given one as is, or one from Entra ID. MSAL is loaded only
 * when a token must be acquired, so the `token` path never pays for it.
 */
export async function acquireToken(
  credential: Credential,
  policy: TokenRequestPolicy
): Promise<AccessToken> {
  if (credential.kind === 'token') return { token: credential.token, expiresAtMs: undefined }
  const { acquireEntraToken } = await import('./entra-token.js')
  return acquireEntraToken(credential, policy)
}

/**
 * Signs in once, and returns the source of the token for every request: a token from Entra ID
 * is renewed (signing in again the same way) when it comes within 5 minutes of its expiry.
 */
export async function signIn(
  credential: Credential,
  policy: TokenRequestPolicy
): Promise<TokenSource> {
  const first = await acquireToken(credential, policy)
  const renew = credential.kind === 'token' ? undefined : () => acquireToken(credential, policy)
  return createTokenSource(first, renew, policy)
}
