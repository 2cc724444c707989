// @ts-check
/**
 * Entra ID (Azure AD v2.0) emulation: OpenID metadata, instance discovery and the token
 * endpoint for the client credentials grant (client secret, certificate assertion,
 * federated GitHub OIDC assertion).
 * @module
 */
import { URLSearchParams } from 'node:url'
import { decodeJwt, SupportedAlgorithms, verifyJwtSignature } from './jwt.mjs'
import { certificateInfo } from './certificates.mjs'
import { issueAccessToken, TokenLifetimeSeconds } from './access-tokens.mjs'
import { newGuid, parseContentType, sendJson } from './respond.mjs'

export const JwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const NbfSkewSeconds = 300
const CertDocs =
  'Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .'
const FicDocs =
  'Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation'

/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */

/**
 * @typedef {object} Entra
 * @property {(req: Req, res: Res, tenant: string, origin: string) => void} handleMetadata
 * @property {(req: Req, res: Res, query: URLSearchParams, origin: string) => void} handleDiscovery
 * @property {(req: Req, res: Res, tenant: string, origin: string) => void} handleKeys
 * @property {(req: Req, res: Res, tenant: string, body: Buffer, origin: string) => void} handleToken
 */

/**
 * Entra's error timestamp format: '2024-05-01 12:34:56Z'.
 * @param {Date} date
 */
function entraTimestamp(date) {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}

/**
 * @param {number} seconds
 */
function entraTime(seconds) {
  return entraTimestamp(new Date(seconds * 1000))
}

/**
 * Thrown inside the token flow; turned into an AADSTS error answer.
 */
class AadError extends Error {
  /**
   * @param {number} status
   * @param {string} error OAuth error code
   * @param {number} code AADSTS number
   * @param {string} message text after 'AADSTS<code>: '
   */
  constructor(status, error, code, message) {
    super(`AADSTS${code}: ${message}`)
    this.status = status
    this.error = error
    this.code = code
  }
}

/**
 * @param {Req} req
 * @returns {string}
 */
function correlationIdOf(req) {
  const header = req.headers['client-request-id']
  return typeof header === 'string' && header ? header : newGuid()
}

/**
 * Writes an Entra error body.
 * @param {Req} req
 * @param {Res} res
 * @param {AadError} err
 * @param {string} origin
 */
function sendAadError(req, res, err, origin) {
  const traceId = newGuid()
  const correlationId = correlationIdOf(req)
  const timestamp = entraTimestamp(new Date())
  sendJson(
    res,
    err.status,
    {
      error: err.error,
      error_description: `${err.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${origin}/error?code=${err.code}`
    },
    {
      'Cache-Control': 'no-store, no-cache',
      Pragma: 'no-cache',
      'x-ms-request-id': traceId,
      'client-request-id': correlationId
    }
  )
}

/**
 * @param {string} tenant
 */
function tenantNotFound(tenant) {
  return new AadError(
    400,
    'invalid_tenant',
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`
  )
}

/**
 * @param {string} name
 */
function missingParameter(name) {
  return new AadError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`
  )
}

/**
 * @param {unknown} aud
 * @returns {string[]}
 */
function audiences(aud) {
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud)) return aud.filter(a => typeof a === 'string')
  return []
}

/**
 * Checks exp / nbf of an assertion.
 * @param {Record<string, unknown>} payload
 */
function checkLifetime(payload) {
  const now = Math.floor(Date.now() / 1000)
  const { exp, nbf } = payload
  if (typeof exp !== 'number') {
    throw new AadError(
      400,
      'invalid_request',
      50027,
      'JWT token is invalid or malformed. The expiration claim (exp) is missing.'
    )
  }
  const from =
    typeof nbf === 'number' ? nbf : typeof payload.iat === 'number' ? payload.iat : exp - 600
  if (now >= exp || (typeof nbf === 'number' && nbf > now + NbfSkewSeconds)) {
    throw new AadError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${entraTime(now)}, assertion valid from ${entraTime(from)}, expiry time of assertion ${entraTime(exp)}. ${CertDocs}`
    )
  }
}

/**
 * @param {import('./server.mjs').SimContext} ctx
 * @param {{ verifySignature: (token: import('./jwt.mjs').DecodedJwt) => boolean }} oidc GitHub OIDC emulation (signs federated assertions)
 * @returns {Entra}
 */
export function createEntra(ctx, oidc) {
  /** @param {string} tenant */
  const knownTenant = tenant => tenant.toLowerCase() === ctx.tenant.toLowerCase()

  /** @param {string} origin */
  const tokenEndpointOf = origin => `${origin}/${ctx.tenant}/oauth2/v2.0/token`

  /** @returns {string[]} every URL the token endpoint is reachable at (lower case) */
  const tokenEndpoints = () =>
    ctx.hostnames.flatMap(h => [
      tokenEndpointOf(`https://${h}:${ctx.port}`).toLowerCase(),
      `https://${h}:${ctx.port}/${ctx.tenant}/oauth2/token`.toLowerCase()
    ])

  /** @type {Entra['handleMetadata']} */
  function handleMetadata(req, res, tenant, origin) {
    if (!knownTenant(tenant)) {
      sendAadError(req, res, tenantNotFound(tenant), origin)
      return
    }
    const base = `${origin}/${ctx.tenant}`
    sendJson(res, 200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic'
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'cloud_instance_name',
        'cloud_instance_host_name',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email'
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: new URL(origin).hostname,
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net'
    })
  }

  /** @type {Entra['handleDiscovery']} */
  function handleDiscovery(_req, res, query, origin) {
    let tenant = '{tenant}'
    const authorizationEndpoint = query.get('authorization_endpoint')
    if (authorizationEndpoint) {
      try {
        tenant = new URL(authorizationEndpoint).pathname.split('/').filter(Boolean)[0] ?? tenant
      } catch {
        // keep the template
      }
    }
    const host = new URL(origin).host
    const aliases = [...new Set([host, ...ctx.hostnames.map(h => `${h}:${ctx.port}`)])]
    sendJson(res, 200, {
      tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases }]
    })
  }

  /** @type {Entra['handleKeys']} */
  function handleKeys(req, res, tenant, origin) {
    if (!knownTenant(tenant)) {
      sendAadError(req, res, tenantNotFound(tenant), origin)
      return
    }
    sendJson(res, 200, { keys: [{ ...ctx.signingKey.jwk, x5t: ctx.signingKey.kid }] })
  }

  /**
   * Validates a self-signed (certificate) client assertion.
   * @param {string} clientId
   * @param {import('./jwt.mjs').DecodedJwt} jwt
   */
  function checkCertificateAssertion(clientId, jwt) {
    const registered = ctx.certificateClients
      .filter(c => c.clientId.toLowerCase() === clientId.toLowerCase())
      .map(c => certificateInfo(c.certificatePem))
    const x5tS256 = typeof jwt.header['x5t#S256'] === 'string' ? jwt.header['x5t#S256'] : undefined
    const x5t = typeof jwt.header.x5t === 'string' ? jwt.header.x5t : undefined
    const x5c =
      Array.isArray(jwt.header.x5c) && typeof jwt.header.x5c[0] === 'string'
        ? Buffer.from(jwt.header.x5c[0], 'base64')
        : undefined
    const presented = x5tS256 ?? x5t ?? ''
    const presentedHex = Buffer.from(presented, 'base64url').toString('hex').toUpperCase()
    /** @param {string} reason */
    const signatureFailure = reason =>
      new AadError(
        401,
        'invalid_client',
        700027,
        `Client assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${presentedHex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments if you are using a national cloud.]`
      )
    const cert = registered.find(c =>
      x5tS256 !== undefined
        ? c.x5tS256 === x5tS256
        : x5t !== undefined
          ? c.x5t === x5t
          : x5c !== undefined && c.der.equals(x5c)
    )
    if (!cert) throw signatureFailure('The key was not found.')
    if (x5c && !cert.der.equals(x5c))
      throw signatureFailure('The certificate in the x5c header does not match the thumbprint.')
    if (!SupportedAlgorithms.includes(String(jwt.header.alg))) {
      throw signatureFailure(`The signing algorithm '${String(jwt.header.alg)}' is not supported.`)
    }
    if (new Date(cert.x509.validTo).getTime() < Date.now())
      throw signatureFailure('The key used is expired.')
    if (!verifyJwtSignature(jwt, cert.x509.publicKey)) {
      throw signatureFailure(
        'The provided signature value did not match the expected signature value.'
      )
    }
    const { iss, sub, aud } = jwt.payload
    if (iss !== clientId || sub !== clientId) {
      throw new AadError(
        401,
        'invalid_client',
        700021,
        `Client assertion application identifier doesn't match 'client_id' parameter. ${CertDocs}`
      )
    }
    const endpoints = tokenEndpoints()
    if (!audiences(aud).some(a => endpoints.includes(a.toLowerCase()))) {
      throw new AadError(
        401,
        'invalid_client',
        50013,
        `Assertion failed audience validation. The audience claim '${audiences(aud).join(' ')}' does not match the token endpoint '${tokenEndpointOf(ctx.url)}'. ${CertDocs}`
      )
    }
    checkLifetime(jwt.payload)
  }

  /**
   * Validates a federated (GitHub OIDC) client assertion.
   * @param {string} clientId
   * @param {import('./jwt.mjs').DecodedJwt} jwt
   */
  function checkFederatedAssertion(clientId, jwt) {
    const { iss, sub } = jwt.payload
    const aud = audiences(jwt.payload.aud)
    const records = ctx.federatedClients.filter(
      f => f.clientId.toLowerCase() === clientId.toLowerCase()
    )
    if (records.length === 0) {
      throw new AadError(
        400,
        'invalid_request',
        70021,
        `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(iss)}'. Assertion Subject: '${String(sub)}'. Assertion Audience: '${aud.join(',')}'. ${FicDocs}`
      )
    }
    const byIssuer = records.filter(r => r.issuer === iss)
    if (byIssuer.length === 0) {
      throw new AadError(
        400,
        'invalid_request',
        700211,
        `No matching federated identity record found for presented assertion issuer '${String(iss)}'. Please note that the matching is done using a case-sensitive comparison. ${FicDocs}`
      )
    }
    if (!oidc.verifySignature(jwt)) {
      throw new AadError(
        401,
        'invalid_client',
        700027,
        `Client assertion failed signature validation. [Reason - The key was not found among the signing keys of issuer '${String(iss)}'.]`
      )
    }
    checkLifetime(jwt.payload)
    const bySubject = byIssuer.filter(r => r.subject === sub)
    if (bySubject.length === 0) {
      throw new AadError(
        400,
        'invalid_request',
        700213,
        `No matching federated identity record found for presented assertion subject '${String(sub)}'. Please note that the matching is done using a case-sensitive comparison. ${FicDocs}`
      )
    }
    if (!bySubject.some(r => aud.includes(r.audience))) {
      throw new AadError(
        400,
        'invalid_request',
        700212,
        `No matching federated identity record found for presented assertion audience '${aud.join(',')}'. Please note that the matching is done using a case-sensitive comparison. ${FicDocs}`
      )
    }
  }

  /**
   * Returns the resource of a client credentials scope.
   * @param {string | null} scope
   */
  function resourceOf(scope) {
    const scopes = (scope ?? '').split(/\s+/).filter(Boolean)
    if (scopes.length === 0) {
      throw new AadError(
        400,
        'invalid_scope',
        70011,
        "The provided request must include a 'scope' input parameter."
      )
    }
    if (scopes.length > 1) {
      throw new AadError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope '${scopes.join(' ')}' is not valid.`
      )
    }
    const [single] = scopes
    if (!single.endsWith('/.default') || single.length <= '/.default'.length) {
      throw new AadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${single} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
      )
    }
    // As requested: 'https://host//.default' is a token for 'https://host/', which F&O refuses.
    return single.slice(0, -'/.default'.length)
  }

  /**
   * Runs the client credentials grant; returns the grant or throws AadError.
   * @param {Req} req
   * @param {string} tenant
   * @param {Buffer} body
   * @returns {import('./index.mjs').TokenGrant}
   */
  function clientCredentials(req, tenant, body) {
    if (req.method !== 'POST') {
      throw new AadError(
        400,
        'invalid_request',
        900561,
        `The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.`
      )
    }
    if (!knownTenant(tenant)) throw tenantNotFound(tenant)
    const { mediaType } = parseContentType(req.headers['content-type'])
    const params =
      mediaType === 'application/x-www-form-urlencoded'
        ? new URLSearchParams(body.toString('utf8'))
        : new URLSearchParams()
    const grantType = params.get('grant_type')
    if (!grantType) throw missingParameter('grant_type')
    if (grantType !== 'client_credentials') {
      throw new AadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`
      )
    }
    let clientId = params.get('client_id') ?? undefined
    let clientSecret = params.get('client_secret') ?? undefined
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) {
        clientId ??= decodeURIComponent(decoded.slice(0, colon))
        clientSecret ??= decodeURIComponent(decoded.slice(colon + 1))
      }
    }
    if (!clientId) throw missingParameter('client_id')
    const id = clientId.toLowerCase()
    const known = [...ctx.clients, ...ctx.certificateClients, ...ctx.federatedClients].some(
      c => c.clientId.toLowerCase() === id
    )
    if (!known) {
      throw new AadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${ctx.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      )
    }
    const audience = resourceOf(params.get('scope'))
    const assertion = params.get('client_assertion')
    /** @type {import('./index.mjs').TokenGrant['credential']} */
    let credential
    if (clientSecret !== undefined) {
      const ok = ctx.clients.some(
        c => c.clientId.toLowerCase() === id && c.clientSecret === clientSecret
      )
      if (!ok) {
        throw new AadError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`
        )
      }
      credential = 'secret'
    } else if (assertion) {
      const assertionType = params.get('client_assertion_type')
      if (assertionType !== JwtBearer) {
        throw new AadError(
          400,
          'invalid_request',
          50027,
          `JWT token is invalid or malformed. Unsupported client_assertion_type '${assertionType ?? ''}'.`
        )
      }
      /** @type {import('./jwt.mjs').DecodedJwt} */
      let jwt
      try {
        jwt = decodeJwt(assertion)
      } catch {
        throw new AadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.')
      }
      if (typeof jwt.payload.iss === 'string' && jwt.payload.iss.toLowerCase() === id) {
        checkCertificateAssertion(clientId, jwt)
        credential = 'certificate'
      } else {
        checkFederatedAssertion(clientId, jwt)
        credential = 'federated'
      }
    } else {
      throw new AadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      )
    }
    const issuedAt = Date.now()
    const lifetime = ctx.tokenLifetimes.shift()
    const expiresInSeconds = lifetime?.expiresInSeconds ?? TokenLifetimeSeconds
    const grant = issueAccessToken(ctx.signingKey, {
      clientId,
      audience,
      tenant: ctx.tenant,
      credential,
      issuedAt,
      expiresAt: issuedAt + expiresInSeconds * 1000
    })
    // A queued validForMs makes F&O stop accepting the token then, whatever its exp claim says.
    return lifetime?.validForMs === undefined
      ? grant
      : {
          ...grant,
          expiresAt: issuedAt + lifetime.validForMs,
          acceptedUntil: issuedAt + lifetime.validForMs
        }
  }

  /** @type {Entra['handleToken']} */
  function handleToken(req, res, tenant, body, origin) {
    /** @type {import('./index.mjs').TokenGrant} */
    let grant
    try {
      grant = clientCredentials(req, tenant, body)
    } catch (err) {
      if (err instanceof AadError) {
        sendAadError(req, res, err, origin)
        return
      }
      throw err
    }
    ctx.grants.set(grant.accessToken, grant)
    ctx.issuedTokens.push(grant.accessToken)
    ctx.tokenGrants.push(grant)
    sendJson(
      res,
      200,
      {
        token_type: 'Bearer',
        expires_in: grant.expiresInSeconds,
        ext_expires_in: grant.expiresInSeconds,
        access_token: grant.accessToken
      },
      {
        'Cache-Control': 'no-store, no-cache',
        Pragma: 'no-cache',
        'x-ms-request-id': newGuid(),
        'client-request-id': correlationIdOf(req)
      }
    )
  }

  return { handleMetadata, handleDiscovery, handleKeys, handleToken }
}
