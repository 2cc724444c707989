import { EnvDefaults, Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import type { Credential } from '../inputs/settings.js'

/** The `auth` input: `auto` picks by what is given; the others pin one way of signing in. */
export type AuthMode = 'auto' | Credential['kind']

/** Every value `auth` accepts, in the order the docs list them. */
export const AuthModes: readonly AuthMode[] = [
  'auto',
  'token',
  'certificate',
  'client-secret',
  'oidc'
]

/** Which credentials the workflow gave (never their values). */
export interface GivenCredentials {
  readonly token: boolean
  readonly certificate: boolean
  /** The `client-secret` input. */
  readonly clientSecret: boolean
  /** AZURE_CLIENT_SECRET, which stands in for an empty `client-secret`. */
  readonly clientSecretFromEnvironment: boolean
  /** ACTIONS_ID_TOKEN_REQUEST_URL: the job may ask GitHub for an ID token. */
  readonly idTokenRequest: boolean
}

/** Parses `auth` (case-insensitive; empty means auto). */
export function parseAuthMode(text: string): AuthMode {
  const mode = AuthModes.find(candidate => candidate === (text.trim().toLowerCase() || 'auto'))
  if (!mode) {
    throw new InputError(
      Inputs.Auth,
      `Invalid ${Inputs.Auth} '${text.slice(0, 40)}'. Expected ${AuthModes.join(', ')}.`
    )
  }
  return mode
}

/**
 * The way to sign in. `auto`: token > client-certificate > client-secret (or AZURE_CLIENT_SECRET)
 * > GitHub OIDC, and two explicit credentials are an error. A pinned mode must have its
 * credential and no other explicit one, so a mistyped secret name fails here instead of
 * silently switching to another way of signing in.
 */
export function chooseCredentialKind(mode: AuthMode, given: GivenCredentials): Credential['kind'] {
  const explicit: readonly (readonly [Credential['kind'], string, boolean])[] = [
    ['token', Inputs.Token, given.token],
    ['certificate', Inputs.ClientCertificate, given.certificate],
    ['client-secret', Inputs.ClientSecret, given.clientSecret]
  ]
  const set = explicit.filter(([, , isSet]) => isSet)
  if (mode === 'auto') {
    if (set.length > 1) {
      throw new InputError(
        set[1]?.[1] ?? Inputs.Token,
        `Give only one credential: ${set.map(([, name]) => name).join(' and ')} are both set.`
      )
    }
    if (set[0]) return set[0][0]
    return given.clientSecretFromEnvironment ? 'client-secret' : 'oidc'
  }

  checkPinnedCredential(mode, given)
  const other = set.find(([kind]) => kind !== mode)
  if (other) {
    throw new InputError(
      other[1],
      `${Inputs.Auth} is ${mode} but ${other[1]} is set too: remove ${other[1]}, or set ${Inputs.Auth} to ${other[0]}.`
    )
  }
  return mode
}

const SecretQuestion =
  "is the secret's name right, and is it available to this workflow (forks, environments)?"

function checkPinnedCredential(mode: Credential['kind'], given: GivenCredentials): void {
  const empty = (input: string, question: string): InputError =>
    new InputError(input, `${Inputs.Auth} is ${mode} but ${input} is empty — ${question}`)
  switch (mode) {
    case 'token':
      if (!given.token) {
        throw empty(
          Inputs.Token,
          "is the expression right (the secret's name, or the step id and output name), and is it available to this workflow (forks, environments)?"
        )
      }
      return
    case 'certificate':
      if (!given.certificate) throw empty(Inputs.ClientCertificate, SecretQuestion)
      return
    case 'client-secret':
      if (!given.clientSecret && !given.clientSecretFromEnvironment) {
        throw empty(
          Inputs.ClientSecret,
          `${SecretQuestion} (${EnvDefaults[Inputs.ClientSecret]} is not set either.)`
        )
      }
      return
    case 'oidc':
      if (!given.idTokenRequest) {
        throw new InputError(
          Inputs.Auth,
          `${Inputs.Auth} is oidc but the job cannot ask GitHub for an ID token (ACTIONS_ID_TOKEN_REQUEST_URL is not set) — ` +
            "add 'permissions: id-token: write' to the job; a pull_request from a fork gets no ID token."
        )
      }
      return
  }
}
