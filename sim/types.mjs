// @ts-check
/**
 * Shared JSDoc types of the simulator (no runtime code).
 * @module
 */

/**
 * @typedef {object} SecretClient
 * @property {string} clientId
 * @property {string} clientSecret
 */

/**
 * @typedef {object} CertificateClient
 * @property {string} clientId
 * @property {string} certificatePem PEM text holding (at least) the certificate; the first certificate is used.
 */

/**
 * @typedef {object} FederatedClient
 * @property {string} clientId
 * @property {string} issuer
 * @property {string} subject
 * @property {string} audience
 */

/**
 * @typedef {object} ScriptedResponse
 * @property {number} [status]
 * @property {Record<string, string | number | string[]>} [headers]
 * @property {string | Buffer | object | null} [body]
 * @property {number} [delayMs]
 * @property {boolean} [hang]
 * @property {'before-headers' | 'reset' | 'mid-body'} [destroy]
 */

/**
 * @typedef {'token' | 'metadata' | 'discovery' | 'service' | 'oidc' | 'other'} RequestKind
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path path without the query
 * @property {string} query query without the leading '?', '' when none
 * @property {string} url path + query as received
 * @property {Record<string, string | string[] | undefined>} headers lower-case names
 * @property {string} body the body decoded as UTF-8
 * @property {Buffer} bodyBytes
 * @property {RequestKind} kind
 * @property {number} time ms since epoch when the request arrived
 * @property {number} [status] status code of the answer, once sent
 * @property {boolean} [scripted] true when a scripted response answered it
 * @property {boolean} [throttled] true when the throttling mode answered it 429
 */

/**
 * @typedef {object} TokenLifetime How long the next issued token lives.
 * @property {number} expiresInSeconds the token response's expires_in
 * @property {number} [validForMs] how long F&O accepts it; default expiresInSeconds
 */

/**
 * @typedef {object} SimJob A job of SimTestService/JobService.
 * @property {number} steps GetStatus calls that answer Executing
 * @property {number} notFoundFor GetStatus calls that answer 404 first
 * @property {'Succeeded' | 'Failed'} outcome
 * @property {number} calls GetStatus calls so far
 */

/**
 * @typedef {object} TlsHandshake A TLS connection the server accepted.
 * @property {number} time ms since epoch
 * @property {string | undefined} servername the SNI the client sent (none for an IP address)
 */

/**
 * @typedef {object} TokenGrant
 * @property {string} accessToken
 * @property {string} audience resource the token is for (scope without '/.default', as requested)
 * @property {string} clientId
 * @property {string} tenant tid of the token
 * @property {'secret' | 'certificate' | 'federated' | 'test'} credential how the client authenticated ('test': made by sim.issueToken)
 * @property {number} issuedAt ms since epoch
 * @property {number} expiresAt ms since epoch, when F&O stops accepting it
 * @property {number} expiresInSeconds the expires_in the token response gave
 * @property {number} [acceptedUntil] ms since epoch: F&O refuses the token from then on, whatever
 *   its exp claim says (a queued TokenLifetime's validForMs)
 */

/**
 * @typedef {object} OidcInfo
 * @property {string} requestUrl value for ACTIONS_ID_TOKEN_REQUEST_URL
 * @property {string} requestToken value for ACTIONS_ID_TOKEN_REQUEST_TOKEN
 * @property {string} issuer iss of the issued tokens (settable)
 * @property {string} subject sub of the issued tokens (settable)
 * @property {string | undefined} lastToken
 * @property {string[]} issuedTokens
 */

/**
 * @typedef {object} SimContext State shared by the route handlers of one simulator.
 * @property {string} url 'https://127.0.0.1:<port>'
 * @property {string} tenant
 * @property {string} audience resource F&O accepts tokens for (no trailing slash)
 * @property {string[] | undefined} registeredApps client ids F&O knows (Microsoft Entra applications); undefined = every app
 * @property {import('./certificates.mjs').SigningKey} signingKey Entra's token signing key
 * @property {string[]} hostnames every host name the server certificate covers (incl. 127.0.0.1)
 * @property {number} port
 * @property {SecretClient[]} clients
 * @property {CertificateClient[]} certificateClients
 * @property {FederatedClient[]} federatedClients
 * @property {Set<string>} staticTokens
 * @property {Map<string, TokenGrant>} grants every token ever issued (survives reset())
 * @property {string[]} issuedTokens
 * @property {TokenGrant[]} tokenGrants
 * @property {TokenLifetime[]} tokenLifetimes lifetimes of the next tokens, used up one per token
 * @property {Map<string, SimJob>} jobs jobs submitted to SimTestService/JobService
 * @property {(ms: number) => Promise<void>} sleep resolves after ms, or early when the simulator closes
 * @property {() => boolean} isClosed
 */

export {}
