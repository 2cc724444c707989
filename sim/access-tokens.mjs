// @ts-check
/**
 * Entra ID access tokens as F&O receives them: v1.0 JWTs signed with Entra's key (RS256), made
 * by the token endpoint (or by a test, for a token this run could not get) and checked by F&O.
 * @module
 */
import { createHash } from 'node:crypto'
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.mjs'
import { randomBase64Url } from './respond.mjs'

/** Lifetime of an access token, as Entra gives one for the client credentials grant. */
export const TokenLifetimeSeconds = 3599

/** Clock skew F&O tolerates on exp and nbf (the .NET token validation default). */
const ClockSkewSeconds = 300

/**
 * @typedef {object} TokenRequest
 * @property {string} clientId
 * @property {string} audience resource the token is for, as requested (scope without '/.default')
 * @property {string} tenant
 * @property {import('./index.mjs').TokenGrant['credential']} credential
 * @property {number} [issuedAt] ms since epoch; default now
 * @property {number} [expiresAt] ms since epoch; default issuedAt + TokenLifetimeSeconds
 */

/**
 * A stable object id for an app's service principal, so one app is one user to F&O.
 * @param {string} tenant
 * @param {string} clientId
 */
function servicePrincipalId(tenant, clientId) {
  const hex = createHash('sha256')
    .update(`${tenant.toLowerCase()}/${clientId.toLowerCase()}`)
    .digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/**
 * Signs an access token with Entra's key and returns its grant (the record tests read).
 * @param {import('./certificates.mjs').SigningKey} key
 * @param {TokenRequest} request
 * @returns {import('./index.mjs').TokenGrant}
 */
export function issueAccessToken(key, request) {
  const issuedAt = request.issuedAt ?? Date.now()
  const expiresAt = request.expiresAt ?? issuedAt + TokenLifetimeSeconds * 1000
  const issuer = `https://sts.windows.net/${request.tenant}/`
  const oid = servicePrincipalId(request.tenant, request.clientId)
  const seconds = (/** @type {number} */ ms) => Math.floor(ms / 1000)
  const accessToken = signJwt(
    { alg: 'RS256', typ: 'JWT', x5t: key.kid, kid: key.kid },
    {
      aud: request.audience,
      iss: issuer,
      iat: seconds(issuedAt),
      nbf: seconds(issuedAt),
      exp: seconds(expiresAt),
      aio: randomBase64Url(30),
      appid: request.clientId,
      appidacr: request.credential === 'secret' ? '1' : '2',
      idp: issuer,
      oid,
      rh: randomBase64Url(20),
      sub: oid,
      tid: request.tenant,
      uti: randomBase64Url(16),
      ver: '1.0',
      xms_tcdt: seconds(issuedAt) - 86_400
    },
    key.privateKey
  )
  return {
    accessToken,
    audience: request.audience,
    clientId: request.clientId,
    tenant: request.tenant,
    credential: request.credential,
    issuedAt,
    expiresAt,
    expiresInSeconds: Math.max(0, Math.round((expiresAt - issuedAt) / 1000))
  }
}

/**
 * @typedef {{ ok: true, clientId: string } | { ok: false, reason: string }} TokenCheck
 */

/**
 * Validates a bearer token as F&O does: Entra's signature, lifetime (with clock skew), tenant,
 * audience (case-insensitive; a trailing slash is another audience) and, when F&O lists its
 * Microsoft Entra applications, the app.
 * @param {import('./server.mjs').SimContext} ctx
 * @param {string} token
 * @returns {TokenCheck}
 */
export function checkAccessToken(ctx, token) {
  /** @type {import('./jwt.mjs').DecodedJwt} */
  let jwt
  try {
    jwt = decodeJwt(token)
  } catch {
    return { ok: false, reason: 'not a JWT' }
  }
  if (jwt.header.kid !== ctx.signingKey.kid || !verifyJwtSignature(jwt, ctx.signingKey.publicKey))
    return { ok: false, reason: 'signature' }
  const acceptedUntil = ctx.grants.get(token)?.acceptedUntil
  if (acceptedUntil !== undefined && acceptedUntil <= Date.now())
    return { ok: false, reason: 'expired' }
  const { exp, nbf, tid, aud } = jwt.payload
  const now = Date.now() / 1000
  if (typeof exp !== 'number' || exp + ClockSkewSeconds <= now)
    return { ok: false, reason: 'expired' }
  if (typeof nbf === 'number' && nbf - ClockSkewSeconds > now)
    return { ok: false, reason: 'not yet valid' }
  if (typeof tid !== 'string' || tid.toLowerCase() !== ctx.tenant.toLowerCase())
    return { ok: false, reason: 'tenant' }
  if (typeof aud !== 'string' || aud.toLowerCase() !== ctx.audience.toLowerCase())
    return { ok: false, reason: 'audience' }
  const appid = jwt.payload.appid ?? jwt.payload.azp
  if (typeof appid !== 'string') return { ok: false, reason: 'no appid' }
  const registered =
    ctx.registeredApps === undefined ||
    ctx.registeredApps.some(id => id.toLowerCase() === appid.toLowerCase())
  if (!registered) return { ok: false, reason: 'unregistered' }
  return { ok: true, clientId: appid }
}
