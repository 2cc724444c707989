// @ts-check
/**
 * In-repo simulator of Dynamics 365 F&O custom services, Entra ID and the GitHub OIDC token service.
 * @module
 */
export {
  startSimulator,
  scriptKeyOf,
  DEFAULT_TENANT,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET
} from './server.mjs'
export { createClientCertificate, issueCertificate } from './certificates.mjs'
export { signJwt, decodeJwt } from './jwt.mjs'
export { DEFAULT_OIDC_ISSUER, DEFAULT_OIDC_SUBJECT, DEFAULT_OIDC_AUDIENCE } from './github-oidc.mjs'
