/**
 * When the documents below were copied from the clouds (docs/adr/0003-built-in-cloud-metadata.md
 * says how to refresh them); `.ci/run` prints a line once the copy is older than a year.
 */
export const CloudMetadataCopiedOn = '2026-11-28'

/**
 * Entra ID clouds whose metadata MSAL can be given up front, so a token costs one request to
 * the authority instead of three (instance discovery, OpenID configuration, token).
 */
const KnownClouds: Record<string, readonly string[]> = {
  'login.microsoftonline.com': [
    'login.microsoftonline.com',
    'login.windows.net',
    'login.microsoft.com',
    'sts.windows.net'
  ],
  'login.microsoftonline.us': ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  'login.chinacloudapi.cn': ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']
}

/** MSAL authority options for `<authorityHost>/<tenant>`. */
export interface AuthorityOptions {
  readonly authority: string
  readonly knownAuthorities: string[]
  readonly cloudDiscoveryMetadata?: string
  readonly authorityMetadata?: string
}

/**
 * For the public, US Gov and China clouds: the discovery and OpenID metadata MSAL would fetch.
 * For any other host: `knownAuthorities` only, so MSAL trusts it without asking public hosts
 * and fetches its OpenID configuration from that host alone.
 */
export function authorityOptions(authorityHost: string, tenant: string): AuthorityOptions {
  const host = new URL(authorityHost).host
  const authority = `${authorityHost}/${tenant}`
  const aliases = KnownClouds[host]
  if (!aliases) return { authority, knownAuthorities: [host] }
  return {
    authority,
    knownAuthorities: [host],
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: aliases[1] ?? host, aliases }]
    }),
    authorityMetadata: JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic'
      ],
      jwks_uri: `${authorityHost}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${authorityHost}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
      kerberos_endpoint: `${authority}/kerberos`,
      tenant_region_scope: null,
      cloud_instance_name: host.endsWith('.us')
        ? 'microsoftonline.us'
        : host.endsWith('.cn')
          ? 'partner.microsoftonline.cn'
          : 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net'
    })
  }
}
