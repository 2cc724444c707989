import type { TokenRequestPolicy } from './msal-network.js'
import type { Credential } from './settings.js'

/**
 * The bearer token for the call: the given one as is, or one from Entra ID. MSAL is loaded only
 * when a token must be acquired, so the `token` path never pays for it.
 */
export async function acquireToken(
  credential: Credential,
  policy: TokenRequestPolicy
): Promise<string> {
  if (credential.kind === 'token') return credential.token
  const { acquireEntraToken } = await import('./entra-token.js')
  return acquireEntraToken(credential, policy)
}
