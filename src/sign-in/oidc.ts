import type { INetworkModule } from '@azure/msal-node'
import { withoutQuery } from '../common/endpoint-url.js'
import { CallError } from '../common/errors.js'
import { serviceMessage } from '../common/failure-message.js'
import { jsonHead } from '../common/json-text.js'
import { maskSecret } from '../common/secrets.js'
import { readJwtPayload } from './token-claims.js'
import { MaxScanChars } from '../common/untrusted-text.js'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * A GitHub OIDC ID token for `audience`, masked the moment it exists. Asked of
 * ACTIONS_ID_TOKEN_REQUEST_URL with the job's request token, as @actions/core's getIDToken asks,
 * but over the action's own network client: no redirect is followed (the request token must go
 * nowhere else), timeout-sec and the sign-in size cap hold, and 429/5xx are retried within
 * retry-timeout.
 */
export async function gitHubIdToken(
  audience: string,
  network: { trusting(origin: string): Pick<INetworkModule, 'sendGetRequestAsync'> },
  env: Environment = process.env
): Promise<string> {
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL']
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (!requestUrl || !requestToken) {
    throw new CallError(
      `GitHub OIDC: ${requestUrl ? 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' : 'ACTIONS_ID_TOKEN_REQUEST_URL'} is not set; ` +
        "add 'permissions: id-token: write' to the job"
    )
  }
  // The runner masks it too; registering it here also lets scrub() remove an echo of it.
  maskSecret(requestToken)
  const url = new URL(requestUrl)
  url.searchParams.set('audience', audience)
  const response = await network
    .trusting(url.origin)
    .sendGetRequestAsync<{ value?: unknown }>(url.href, {
      headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' }
    })
  const token = response.body?.value
  if (response.status !== 200 || typeof token !== 'string' || !token) {
    // Written without recursion: the answer may nest any depth.
    const detail = serviceMessage(jsonHead(response.body ?? '', MaxScanChars).text)
    throw new CallError(
      `GET ${withoutQuery(url.href)} failed: ${
        response.status === 200 ? 'HTTP 200 without an ID token' : `HTTP ${response.status}`
      }${detail ? ` — ${detail}` : ''}`
    )
  }
  maskSecret(token)
  return token
}

/** The `sub` claim of a JWT, unverified (only to say which subject GitHub sent); undefined if unreadable. */
export function subjectOf(jwt: string): string | undefined {
  const sub = readJwtPayload(jwt)?.['sub']
  return typeof sub === 'string' ? sub : undefined
}
