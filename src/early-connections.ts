import { chooseCredentialKind, parseAuthMode } from './sign-in/auth-mode.js'
import { createConnectionPool, type ConnectionPool } from './transport/connection-pool.js'
import { NoEarlyConnections, type EarlyConnections } from './transport/early-connection-set.js'
import { EnvDefaults, Inputs, PublicAuthorityHost } from './common/constants.js'
import { parseAuthorityHost, parseEnvironmentUrl } from './common/endpoint-url.js'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * Starts the connections the step's first requests will need, from the inputs as the runner
 * passes them, before the code that reads and checks every input has even loaded: their TCP and
 * TLS handshakes then run while it loads (a quarter of a bare request's time at start-up). Only
 * what the inputs already settle is opened, by the rules the requests follow (HTTPS_PROXY and
 * NO_PROXY included); a guess that proves wrong costs a connection nobody takes, never a
 * request. Nothing is opened for a step that waits first (`throttle-seed`).
 */
export function openEarlyConnections(env: Environment = process.env): EarlyConnections {
  // As @actions/core reads an input; the rest of the action is not loaded yet.
  const input = (name: string): string =>
    (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
  const orEnvironment = (name: keyof typeof EnvDefaults): string =>
    input(name) || (env[EnvDefaults[name]]?.trim() ?? '')

  if (!['', '0'].includes(input(Inputs.ThrottleSeed))) return NoEarlyConnections
  const environment = parseEnvironmentUrl(
    orEnvironment(Inputs.SystemUrl) || orEnvironment(Inputs.Url)
  )
  const service = 'url' in environment ? opening(environment.url) : undefined
  const authority = signsIn(input, env) ? authorityConnection(input) : undefined
  return {
    service,
    authority,
    async underway(maxWaitMs) {
      await Promise.all([
        service?.handshakesUnderway(maxWaitMs),
        authority?.handshakesUnderway(maxWaitMs)
      ])
    },
    close() {
      service?.close()
      authority?.close()
    }
  }
}

function opening(url: string): ConnectionPool {
  const pool = createConnectionPool()
  pool.preconnect(url)
  return pool
}

/** Whether the step signs in with Entra ID (anything but a given token, as `auth` decides). */
function signsIn(input: (name: string) => string, env: Environment): boolean {
  try {
    const kind = chooseCredentialKind(parseAuthMode(input(Inputs.Auth)), {
      token: input(Inputs.Token) !== '',
      certificate: input(Inputs.ClientCertificate) !== '',
      clientSecret: input(Inputs.ClientSecret) !== '',
      clientSecretFromEnvironment: Boolean(env[EnvDefaults[Inputs.ClientSecret]]?.trim()),
      idTokenRequest: Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'])
    })
    return kind !== 'token'
  } catch {
    // Inputs that will be refused: no sign-in.
    return false
  }
}

function authorityConnection(input: (name: string) => string): ConnectionPool | undefined {
  const authority = parseAuthorityHost(input(Inputs.AuthorityHost) || PublicAuthorityHost)
  return 'url' in authority ? opening(authority.url) : undefined
}
