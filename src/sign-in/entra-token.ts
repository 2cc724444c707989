import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node'
import { authorityOptions } from './cloud-metadata.js'
import { Inputs } from '../common/constants.js'
import { entraErrorText } from './entra-error.js'
import { CallError, oneLine } from '../common/errors.js'
import type { Transport } from '../transport/http.js'
import {
  createMsalNetworkClient,
  type MsalNetworkClient,
  type TokenRequestPolicy
} from './msal-network.js'
import { gitHubIdToken, subjectOf } from './oidc.js'
import { maskSecret, scrub } from '../common/secrets.js'
import { loadJsonWebToken } from '../stand-ins/jsonwebtoken.js'
import type { Credential } from '../inputs/settings.js'
import type { AccessToken } from './token-source.js'

type EntraCredential = Exclude<Credential, { kind: 'token' }>

/**
 * Client-credentials token from Entra ID through MSAL, over the action's own HTTP layer
 * (`transport`, closed when the token is had, or a new one).
 */
export async function acquireEntraToken(
  credential: EntraCredential,
  policy: TokenRequestPolicy,
  transport?: Transport
): Promise<AccessToken> {
  const network = createMsalNetworkClient(policy, credential.app.authorityHost, transport)
  let oidcToken: string | undefined
  const configuration: Configuration = {
    auth: {
      clientId: credential.app.clientId,
      ...authorityOptions(credential.app.authorityHost, credential.app.tenant),
      ...clientProof(credential, network, token => (oidcToken = token))
    },
    system: { networkClient: network, disableInternalRetries: true }
  }
  try {
    // Only a certificate's client assertion is signed with it (see the stand-in).
    if (credential.kind === 'certificate') await loadJsonWebToken()
    const app = new ConfidentialClientApplication(configuration)
    const result = await app.acquireTokenByClientCredential({
      scopes: [credential.app.scope],
      skipCache: true
    })
    if (!result?.accessToken) throw new CallError('Entra ID returned no access token')
    maskSecret(result.accessToken)
    return { token: result.accessToken, expiresAtMs: result.expiresOn?.getTime() }
  } catch (error) {
    throw new CallError(
      scrub(describeTokenFailure(credential, error, network.lastFailure, oidcToken))
    )
  } finally {
    network.close()
  }
}

function clientProof(
  credential: EntraCredential,
  network: MsalNetworkClient,
  onOidcToken: (token: string) => void
): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate' | 'clientAssertion'> {
  switch (credential.kind) {
    case 'client-secret':
      return { clientSecret: credential.clientSecret }
    case 'certificate':
      return {
        clientCertificate: {
          thumbprintSha256: credential.certificate.thumbprintSha256,
          privateKey: credential.certificate.privateKey,
          x5c: credential.certificate.chainPem
        }
      }
    case 'oidc':
      // A callback, so every token request gets a fresh GitHub ID token.
      return {
        clientAssertion: async () => {
          const token = await gitHubIdToken(credential.audience, network)
          onOidcToken(token)
          return token
        }
      }
  }
}

/**
 * One line: Entra's own AADSTS code and description (from MSAL's error, or from the answer
 * MSAL did not quote), our own diagnosis, or what the network saw; never a secret.
 */
function describeTokenFailure(
  credential: EntraCredential,
  error: unknown,
  networkFailure: string | undefined,
  oidcToken: string | undefined
): string {
  const line = failureLine(credential, error, networkFailure, oidcToken)
  if (credential.kind !== 'oidc' || !credential.implicit) return line
  return (
    `${line} (No ${Inputs.ClientSecret}, ${Inputs.ClientCertificate} or ${Inputs.Token} was given, so GitHub OIDC was used: ` +
    `if you meant one of them, check the secret's name and that this workflow may read it, or set '${Inputs.Auth}'.)`
  )
}

function failureLine(
  credential: EntraCredential,
  error: unknown,
  networkFailure: string | undefined,
  oidcToken: string | undefined
): string {
  const where = `Token request to ${credential.app.authorityHost}/${credential.app.tenant} failed`
  const details = error as { errorCode?: string; errorMessage?: string; subError?: string }
  const aadsts = entraErrorText(details.errorMessage ?? oneLine(error))
  if (aadsts) return `${where}: ${aadsts}${hintFor(aadsts, oidcToken)}`
  // Our own diagnosis (a GitHub ID token refused) before what the network last saw.
  if (error instanceof CallError) return `${where}: ${error.message}`
  if (networkFailure) {
    return `${where}: ${networkFailure}${hintFor(entraErrorText(networkFailure) ?? '', oidcToken)}`
  }
  const code = details.errorCode ? `${details.errorCode}: ` : ''
  return `${where}: ${code}${oneLine(details.errorMessage ?? error)}`
}

function hintFor(aadsts: string, oidcToken: string | undefined): string {
  if (aadsts.startsWith('AADSTS700213:') && oidcToken) {
    return ` GitHub sent the subject '${subjectOf(oidcToken) ?? 'unknown'}': register it as the federated credential's subject.`
  }
  if (aadsts.startsWith('AADSTS7000215:')) return ` Check '${Inputs.ClientSecret}'.`
  if (aadsts.startsWith('AADSTS700016:'))
    return ` Check '${Inputs.ClientId}' and '${Inputs.Tenant}'.`
  if (aadsts.startsWith('AADSTS90002:')) {
    return ` Check '${Inputs.Tenant}': it must be a tenant of the cloud '${Inputs.AuthorityHost}' signs in to.`
  }
  return ''
}
