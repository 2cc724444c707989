import { chooseCredentialKind, parseAuthMode, type AuthMode } from '../sign-in/auth-mode.js'
import { CertificateProblem, parseClientCertificate } from '../sign-in/certificate.js'
import { EnvDefaults, Inputs, PublicAuthorityHost } from '../common/constants.js'
import { parseAuthorityHost } from '../common/endpoint-url.js'
import { InputError } from '../common/errors.js'
import { maskSecret } from '../common/secrets.js'
import { input, type Environment, type WithDefault } from './input-reader.js'
import type { AppRegistration, Credential, ExpectedToken } from './settings.js'

/** Registers every secret input (and secret environment fallback) before anything can be logged. */
export function maskSecretInputs(env: Environment): void {
  const token = input(Inputs.Token)
  maskSecret(token)
  maskSecret(stripBearer(token))
  maskSecret(input(Inputs.ClientSecret))
  maskSecret(input(Inputs.ClientCertificate))
  maskSecret(input(Inputs.ClientCertificatePassword))
  maskSecret(env[EnvDefaults[Inputs.ClientSecret]])
  maskSecret(env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'])
}

/** The token without a leading 'Bearer' (the input trims, so a bare 'Bearer' means no token). */
function stripBearer(token: string): string {
  return token.replace(/^bearer(?:\s+|$)/i, '').trim()
}

/**
 * The credential `auth` asks for: pinned, or by precedence (token > client-certificate >
 * client-secret > GitHub OIDC; two explicit credentials are an error).
 */
export function readCredential(
  url: string | undefined,
  withDefault: WithDefault,
  env: Environment,
  now: Date
): Credential {
  const token = input(Inputs.Token)
  const auth = parseAuthMode(input(Inputs.Auth))
  const kind = chooseCredentialKind(auth, {
    token: Boolean(token),
    certificate: Boolean(input(Inputs.ClientCertificate)),
    clientSecret: Boolean(input(Inputs.ClientSecret)),
    clientSecretFromEnvironment: Boolean(env[EnvDefaults[Inputs.ClientSecret]]?.trim()),
    idTokenRequest: Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'])
  })
  if (kind === 'token') return readToken(token)

  const tenant = withDefault(Inputs.Tenant)
  const clientId = withDefault(Inputs.ClientId)
  const certificatePem = kind === 'certificate' ? input(Inputs.ClientCertificate) : ''
  const clientSecret = kind === 'client-secret' ? withDefault(Inputs.ClientSecret) : ''
  const app = readAppRegistration(tenant, clientId, url, {
    name: certificatePem
      ? Inputs.ClientCertificate
      : clientSecret
        ? Inputs.ClientSecret
        : 'GitHub OIDC',
    given: Boolean(certificatePem || clientSecret)
  })
  if (certificatePem) return readCertificate(app, certificatePem, now)
  if (clientSecret) return { kind: 'client-secret', app, clientSecret }
  return readOidc(app, auth, env)
}

/** `token`: one bearer token, with or without a leading 'Bearer '. */
function readToken(token: string): Credential {
  const bare = stripBearer(token)
  if (!bare || /[^\x21-\x7e]/.test(bare)) {
    throw new InputError(
      Inputs.Token,
      `Invalid ${Inputs.Token}: expected one bearer token, with or without a leading 'Bearer '.`
    )
  }
  return { kind: 'token', token: bare }
}

/**
 * `tenant`, `client-id`, `url` (the token's scope) and `authority-host` for a sign-in with
 * Entra. `mode` is the way of signing in, for the messages; `given` says whether its own
 * credential was given (otherwise no credential at all was).
 */
function readAppRegistration(
  tenant: string,
  clientId: string,
  url: string | undefined,
  mode: { name: string; given: boolean }
): AppRegistration {
  if (!tenant || !clientId) {
    const missing = [!tenant && Inputs.Tenant, !clientId && Inputs.ClientId]
      .filter(Boolean)
      .join(' and ')
    throw new InputError(
      tenant ? Inputs.ClientId : Inputs.Tenant,
      mode.given
        ? `${mode.name} needs ${missing} as well.`
        : `No credential given. Set '${Inputs.Token}', or '${Inputs.Tenant}' and '${Inputs.ClientId}' with '${Inputs.ClientSecret}', ` +
            `'${Inputs.ClientCertificate}' or GitHub OIDC (permissions: id-token: write). Missing: ${missing}.`
    )
  }
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(tenant)) {
    throw new InputError(
      Inputs.Tenant,
      `Invalid ${Inputs.Tenant} '${tenant.slice(0, 60)}'. Expected a tenant id (GUID) or domain, e.g. contoso.onmicrosoft.com.`
    )
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(clientId)) {
    throw new InputError(
      Inputs.ClientId,
      `Invalid ${Inputs.ClientId} '${clientId.slice(0, 60)}'. Expected an application (client) id GUID.`
    )
  }
  if (!url) {
    throw new InputError(
      Inputs.Url,
      `${mode.name} needs '${Inputs.Url}', the environment the token is for (scope <url>/.default).`
    )
  }
  const authority = parseAuthorityHost(input(Inputs.AuthorityHost) || PublicAuthorityHost)
  if ('problem' in authority)
    throw new InputError(
      Inputs.AuthorityHost,
      `Invalid ${Inputs.AuthorityHost}: ${authority.problem}.`
    )
  return { tenant, clientId, authorityHost: authority.url, scope: `${url}/.default` }
}

/** `client-certificate` (with its password): its private key is masked line by line. */
function readCertificate(app: AppRegistration, certificatePem: string, now: Date): Credential {
  const password = input(Inputs.ClientCertificatePassword)
  try {
    const certificate = parseClientCertificate(certificatePem, password, now)
    for (const line of certificate.privateKey.split('\n')) maskSecret(line)
    return { kind: 'certificate', app, certificate }
  } catch (error) {
    if (!(error instanceof CertificateProblem)) throw error
    throw new InputError(
      Inputs.ClientCertificate,
      `Invalid ${Inputs.ClientCertificate}: ${error.message}.`
    )
  }
}

/** GitHub OIDC, which needs the job's `permissions: id-token: write`. */
function readOidc(app: AppRegistration, auth: AuthMode, env: Environment): Credential {
  const audience = input(Inputs.OidcAudience) || 'api://AzureADTokenExchange'
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL']) {
    throw new InputError(
      Inputs.ClientSecret,
      `No credential given for client-id: set '${Inputs.ClientSecret}' or '${Inputs.ClientCertificate}', or use GitHub OIDC ` +
        "by adding 'permissions: id-token: write' to the job (ACTIONS_ID_TOKEN_REQUEST_URL is not set)."
    )
  }
  return { kind: 'oidc', app, audience, implicit: auth === 'auto' }
}

/** Whom the token must be for, so the sign-in doctor can say why F&O refused it. */
export function expectedTokenFor(
  credential: Credential,
  url: string | undefined,
  systemUrl: string,
  env: Environment
): ExpectedToken {
  return {
    audience: url ?? new URL(systemUrl).origin,
    audienceInput: url ? Inputs.Url : Inputs.SystemUrl,
    tenant:
      credential.kind === 'token'
        ? input(Inputs.Tenant) || env[EnvDefaults[Inputs.Tenant]]?.trim() || undefined
        : credential.app.tenant,
    systemUrl
  }
}
