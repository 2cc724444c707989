import { describe, expect, it } from '@jest/globals'
import { authorityOptions } from '../../src/sign-in/cloud-metadata.js'

const Tenant = 'contoso.onmicrosoft.com'

describe('authorityOptions', () => {
  it.each([
    ['https://login.microsoftonline.com', 'login.microsoftonline.com', 'microsoftonline.com'],
    ['https://login.microsoftonline.us', 'login.microsoftonline.us', 'microsoftonline.us'],
    ['https://login.chinacloudapi.cn', 'login.chinacloudapi.cn', 'partner.microsoftonline.cn']
  ])('gives MSAL the metadata of %s', (authorityHost, host, cloud) => {
    const options = authorityOptions(authorityHost, Tenant)
    expect(options.authority).toBe(`${authorityHost}/${Tenant}`)
    expect(options.knownAuthorities).toEqual([host])

    const authority = JSON.parse(options.authorityMetadata ?? 'null')
    expect(authority).toMatchObject({
      token_endpoint: `${authorityHost}/${Tenant}/oauth2/v2.0/token`,
      issuer: `${authorityHost}/${Tenant}/v2.0`,
      jwks_uri: `${authorityHost}/${Tenant}/discovery/v2.0/keys`,
      cloud_instance_name: cloud
    })
    expect(authority.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_post', 'private_key_jwt'])
    )

    const discovery = JSON.parse(options.cloudDiscoveryMetadata ?? 'null')
    expect(discovery.tenant_discovery_endpoint).toBe(
      `${authorityHost}/${Tenant}/v2.0/.well-known/openid-configuration`
    )
    expect(discovery.metadata).toHaveLength(1)
    expect(discovery.metadata[0].preferred_network).toBe(host)
    expect(discovery.metadata[0].aliases).toContain(host)
  })

  it('gives a custom host as a known authority only, so MSAL asks that host alone', () => {
    expect(authorityOptions('https://login.contoso.test:8443', 'tenant-guid')).toEqual({
      authority: 'https://login.contoso.test:8443/tenant-guid',
      knownAuthorities: ['login.contoso.test:8443']
    })
  })
})
