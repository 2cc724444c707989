import * as core from '@actions/core'
import { maskSecret } from './secrets.js'

/** A GitHub OIDC ID token for `audience`, masked the moment it exists. */
export async function gitHubIdToken(audience: string): Promise<string> {
  const token = await core.getIDToken(audience)
  maskSecret(token)
  return token
}

/** The `sub` claim of a JWT, unverified (only to say which subject GitHub sent); undefined if unreadable. */
export function subjectOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')
    ) as { sub?: unknown }
    return typeof payload.sub === 'string' ? payload.sub : undefined
  } catch {
    return undefined
  }
}
