import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node'
import { authorityOptions } from './cloud-metadata.js'
import { Inputs } from './constants.js'
import { CallError, oneLine } from './errors.js'
import {
  createMsalNetworkClient,
  type MsalNetworkClient,
  type TokenRequestPolicy
} from './msal-network.js'
import { gitHubIdToken, subjectOf } from './oidc.js'
import { maskSecret, scrub, scrubAndCut } from './secrets.js'
import type { Credential } from './settings.js'
import type { AccessToken } from './token-source.js'
import { MaxScanChars } from './untrusted-text.js'

type EntraCredential = Exclude<Credential, { kind: 'token' }>

/** Client-credentials token from Entra ID through MSAL, over the action's own HTTP layer. */
export async function acquireEntraToken(
  credential: EntraCredential,
  policy: TokenRequestPolicy
): Promise<AccessToken> {
  const network = createMsalNetworkClient(policy, credential.app.authorityHost)
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

/** One line: Entra's own AADSTS code and description, or what the network saw; never a secret. */
function describeTokenFailure(
  credential: EntraCredential,
  error: unknown,
  networkFailure: string | undefined,
  oidcToken: string | undefined
): string {
  const where = `Token request to ${credential.app.authorityHost}/${credential.app.tenant} failed`
  const details = error as { errorCode?: string; errorMessage?: string; subError?: string }
  const aadsts = aadstsMessage(scrubAndCut(details.errorMessage ?? oneLine(error), MaxScanChars))
  if (aadsts) {
    let line = `${where}: ${aadsts}`
    if (aadsts.startsWith('AADSTS700213') && oidcToken) {
      line += ` GitHub sent the subject '${subjectOf(oidcToken) ?? 'unknown'}': register it as the federated credential's subject.`
    }
    if (aadsts.startsWith('AADSTS7000215')) line += ` Check '${Inputs.ClientSecret}'.`
    if (aadsts.startsWith('AADSTS700016'))
      line += ` Check '${Inputs.ClientId}' and '${Inputs.Tenant}'.`
    return line
  }
  // Our own diagnosis (a GitHub ID token refused) before what the network last saw.
  if (error instanceof CallError) return `${where}: ${error.message}`
  if (networkFailure) return `${where}: ${networkFailure}`
  const code = details.errorCode ? `${details.errorCode}: ` : ''
  return `${where}: ${code}${oneLine(details.errorMessage ?? error)}`
}

/** `AADSTS<code>: <text>` up to the end of its line or Entra's "Trace ID:", in linear time. */
function aadstsMessage(text: string): string | undefined {
  const start = /AADSTS\d+:/.exec(text)
  if (!start) return undefined
  const line = text.slice(start.index).split(/[\r\n]/, 1)[0] ?? ''
  const trace = line.indexOf('Trace ID:')
  return (trace === -1 ? line : line.slice(0, trace)).trim()
}
