// @ts-check
/**
 * Emulation of the GitHub Actions OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL),
 * used for workload identity federation.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { signJwt, verifyJwtSignature } from './jwt.mjs'
import { newGuid, randomBase64Url, sendJson } from './respond.mjs'

export const DefaultOidcIssuer = 'https://token.actions.githubusercontent.com'
export const DefaultOidcSubject = 'repo:octo-org/octo-repo:ref:refs/heads/main'
export const DefaultOidcAudience = 'api://AzureADTokenExchange'
export const OidcTokenPath = '/_github/oidc/token'
export const OidcJwksPath = '/_github/oidc/.well-known/jwks'

const TokenLifetimeSeconds = 5 * 60

/**
 * @typedef {object} GithubOidc
 * @property {import('./index.mjs').OidcInfo} info the public `sim.oidc` object
 * @property {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, query: URLSearchParams) => void} handleToken
 * @property {(res: import('node:http').ServerResponse) => void} handleJwks
 * @property {(token: import('./jwt.mjs').DecodedJwt) => boolean} verifySignature true when this emulation signed the token
 */

/**
 * Derives GitHub-like claims from a subject such as 'repo:o/r:ref:refs/heads/main'
 * or 'repo:o/r:environment:prod'.
 * @param {string} subject
 */
function claimsFromSubject(subject) {
  const repoMatch = /^repo:([^:]+\/[^:]+)(?::(.*))?$/.exec(subject)
  const repository = repoMatch?.[1] ?? 'octo-org/octo-repo'
  const rest = repoMatch?.[2] ?? ''
  const refMatch = /^ref:(.+)$/.exec(rest)
  const envMatch = /^environment:(.+)$/.exec(rest)
  const ref = refMatch?.[1] ?? 'refs/heads/main'
  /** @type {Record<string, string>} */
  const claims = {
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository,
    repository_owner: repository.split('/')[0]
  }
  if (envMatch) claims.environment = envMatch[1]
  if (rest === 'pull_request') claims.event_name = 'pull_request'
  return claims
}

/**
 * @param {{ url: string, issuer?: string, subject?: string, signingKey: import('./certificates.mjs').SigningKey }} options
 * @returns {GithubOidc}
 */
export function createGithubOidc(options) {
  const { signingKey } = options
  /** @type {import('./index.mjs').OidcInfo} */
  const info = {
    requestUrl: `${options.url}${OidcTokenPath}?api-version=2.0`,
    requestToken: randomBase64Url(32),
    issuer: options.issuer ?? DefaultOidcIssuer,
    subject: options.subject ?? DefaultOidcSubject,
    lastToken: undefined,
    issuedTokens: []
  }
  const x5t = createHash('sha1').update(signingKey.kid).digest('base64url')

  /** @type {GithubOidc['handleToken']} */
  function handleToken(req, res, query) {
    const authorization = req.headers.authorization ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(authorization)
    if (!match || match[1].trim() !== info.requestToken) {
      sendJson(res, 401, {
        message: 'Unable to authenticate the request: invalid or missing bearer token'
      })
      return
    }
    const now = Math.floor(Date.now() / 1000)
    const audience = query.get('audience') || DefaultOidcAudience
    const subjectClaims = claimsFromSubject(info.subject)
    const payload = {
      jti: newGuid(),
      sub: info.subject,
      aud: audience,
      ...subjectClaims,
      sha: randomBytes(20).toString('hex'),
      repository_id: '123456789',
      repository_owner_id: '987654',
      repository_visibility: 'private',
      run_id: String(1000000 + Math.floor(Math.random() * 1000000)),
      run_number: '1',
      run_attempt: '1',
      actor: 'octocat',
      actor_id: '583231',
      workflow: 'CI',
      workflow_ref: `${subjectClaims.repository}/.github/workflows/ci.yml@${subjectClaims.ref}`,
      event_name: subjectClaims.event_name ?? 'push',
      runner_environment: 'github-hosted',
      iss: info.issuer,
      nbf: now - 5,
      exp: now + TokenLifetimeSeconds,
      iat: now - 5
    }
    const token = signJwt(
      { alg: 'RS256', typ: 'JWT', x5t, kid: signingKey.kid },
      payload,
      signingKey.privateKey
    )
    info.issuedTokens.push(token)
    info.lastToken = token
    sendJson(res, 200, { value: token })
  }

  /** @type {GithubOidc['handleJwks']} */
  function handleJwks(res) {
    sendJson(res, 200, { keys: [{ ...signingKey.jwk, x5t }] })
  }

  /** @type {GithubOidc['verifySignature']} */
  function verifySignature(token) {
    if (token.header.alg !== 'RS256') return false
    if (token.header.kid !== undefined && token.header.kid !== signingKey.kid) return false
    return verifyJwtSignature(token, signingKey.publicKey)
  }

  return { info, handleToken, handleJwks, verifySignature }
}
