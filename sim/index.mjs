// @ts-check
/**
 * In-repo simulator of Dynamics 365 F&O custom services, Entra ID and the GitHub OIDC token service.
 * @module
 */
export {
  startSimulator,
  scriptKeyOf,
  DefaultTenant,
  DefaultClientId,
  DefaultClientSecret
} from './server.mjs'
export { createClientCertificate, issueCertificate } from './certificates.mjs'
export { signJwt, decodeJwt } from './jwt.mjs'
export { DefaultOidcIssuer, DefaultOidcSubject, DefaultOidcAudience } from './github-oidc.mjs'
export { ThrottleMessages } from './throttle.mjs'
export { NullReferenceMessage } from './fo-services.mjs'
