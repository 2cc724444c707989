import { describe, expect, it } from '@jest/globals'
import type { ExpectedToken } from '../../src/inputs/settings.js'
import { explainRefusal, tenantNamedBy } from '../../src/doctors/sign-in-doctor.js'
import { readTokenClaims } from '../../src/sign-in/token-claims.js'

// The doctor reads only the token's claims; these tokens are unsigned, as it never verifies one.
const Now = Date.parse('2025-06-01T12:00:00Z')
const Url = 'https://contoso.operations.dynamics.com'
const Tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const OtherTenant = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
const App = '00000000-1111-2222-3333-444444444444'
const Registration =
  "register application '00000000-1111-2222-3333-444444444444' in F&O under System administration › Setup › Microsoft Entra applications and map it to a user who may run this service"

const expected: ExpectedToken = {
  audience: Url,
  audienceInput: 'url',
  tenant: Tenant,
  systemUrl: Url
}

function jwt(claims: Record<string, unknown>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

/** A v1.0 access token for `Url` in `Tenant`, valid from an hour before Now to an hour after. */
function token(claims: Record<string, unknown> = {}): string {
  return jwt({
    aud: Url,
    iss: `https://sts.windows.net/${Tenant}/`,
    tid: Tenant,
    appid: App,
    nbf: (Now - 3_600_000) / 1000,
    exp: (Now + 3_600_000) / 1000,
    ...claims
  })
}

function explain(
  status: 401 | 403,
  sent: string,
  options: { expected?: Partial<ExpectedToken>; wwwAuthenticate?: string } = {}
): string {
  return explainRefusal(
    { status, token: sent, wwwAuthenticate: options.wwwAuthenticate },
    { ...expected, ...options.expected },
    Now
  )
}

describe('a token that is wrong', () => {
  it('says when it expired, and how long before the call', () => {
    expect(explain(401, token({ exp: (Now - 62 * 60_000) / 1000 }))).toBe(
      'the token is wrong: it expired at 2025-06-01T10:58:00Z, 62 minutes before this call — get a new one (an access token lives about an hour)'
    )
  })

  it('says when it is not valid yet', () => {
    expect(explain(401, token({ nbf: (Now + 600_000) / 1000 }))).toBe(
      "the token is wrong: it is not valid before 2025-06-01T12:10:00Z — check the runner's clock"
    )
  })

  it('names a trailing slash in the audience, showing both', () => {
    expect(explain(401, token({ aud: `${Url}/` }))).toBe(
      `the token is wrong: it is for '${Url}/', but 'url' is '${Url}': the trailing slash makes it another audience — get the token for '${Url}' (scope ${Url}/.default)`
    )
  })

  it('names another host', () => {
    expect(explain(401, token({ aud: 'https://fabrikam.sandbox.operations.dynamics.com' }))).toBe(
      `the token is wrong: it is for 'https://fabrikam.sandbox.operations.dynamics.com', but 'url' is '${Url}': another host — get the token for '${Url}' (scope ${Url}/.default)`
    )
  })

  it('names another cloud', () => {
    expect(explain(401, token({ aud: 'https://contoso.operations.dynamics.us' }))).toMatch(
      /: another cloud \(the token is for a US Government cloud, 'url' is in the public cloud\) — get the token for/
    )
  })

  it('names an audience that is no URL (an app id)', () => {
    expect(explain(401, token({ aud: '00000015-0000-0000-c000-000000000000' }))).toBe(
      `the token is wrong: it is for '00000015-0000-0000-c000-000000000000', but 'url' is '${Url}', not an environment's URL — get the token for '${Url}' (scope ${Url}/.default)`
    )
  })

  it('compares the audience with system-url when url is not given', () => {
    expect(
      explain(401, token({ aud: 'https://other.operations.dynamics.com' }), {
        expected: { audienceInput: 'system-url' }
      })
    ).toContain(`but 'system-url' is '${Url}': another host`)
  })

  it("names another tenant than the one F&O's answer names", () => {
    expect(
      explain(401, token({ tid: OtherTenant }), {
        expected: { tenant: OtherTenant },
        wwwAuthenticate: `Bearer authorization_uri="https://login.windows.net/${Tenant}/oauth2/authorize", error="invalid_token"`
      })
    ).toBe(
      `the token is wrong: it is from tenant ${OtherTenant} ('tenant'), but F&O's answer names tenant ${Tenant} — sign in to the environment's tenant`
    )
  })

  it("names another tenant than 'tenant'", () => {
    expect(explain(401, token({ tid: OtherTenant }))).toBe(
      `the token is wrong: it is from tenant ${OtherTenant}, but 'tenant' is ${Tenant}`
    )
  })

  it('lists every problem it finds', () => {
    const message = explain(401, token({ aud: `${Url}/`, exp: (Now - 120_000) / 1000 }))
    expect(message).toMatch(/^the token is wrong: it expired at .*; and it is for '.*\/', but/)
  })
})

describe('a token that is right', () => {
  it('on 401: says the registration is the likely cause, naming the app', () => {
    expect(explain(401, token())).toBe(
      `the token looks right (for '${Url}', tenant ${Tenant}, valid until 2025-06-01T13:00:00Z), so the likely cause is the app's registration in F&O: ${Registration}`
    )
  })

  it('on 403: says F&O refused the app’s user this service', () => {
    expect(explain(403, token())).toBe(
      `the token looks right (for '${Url}', tenant ${Tenant}, valid until 2025-06-01T13:00:00Z), so F&O refused its user this service: ${Registration}`
    )
  })

  it('takes the app from azp in a v2.0 token', () => {
    expect(explain(401, token({ appid: undefined, azp: App }))).toContain(Registration)
  })

  it('adds that url may be wrong when F&O is called at another host', () => {
    expect(
      explain(401, token(), { expected: { systemUrl: 'https://gateway.example.com/fo' } })
    ).toMatch(
      /; or, as 'system-url' \(gateway\.example\.com\) is another host than 'url', check that 'url' is that environment's URL$/
    )
  })

  it('ignores a tenant given as a domain', () => {
    expect(explain(401, token(), { expected: { tenant: 'contoso.onmicrosoft.com' } })).toMatch(
      /^the token looks right/
    )
  })
})

describe('a token the doctor cannot read', () => {
  it.each(['opaque-token-value', 'a.b', 'x.%%%.y', `x.${'a'.repeat(70_000)}.y`])(
    'on 401 (%#): names url, expiry and the registration',
    sent => {
      expect(explain(401, sent)).toBe(
        `the token is not a JWT the action can read: check that it is for 'url' ${Url}, that it has not expired, ` +
          'and that the application is registered in F&O under System administration › Setup › Microsoft Entra applications and mapped to a user who may run this service'
      )
    }
  )

  it('on 403: names the registration', () => {
    expect(explain(403, 'opaque-token-value')).toBe(
      'check that the application is registered in F&O under System administration › Setup › Microsoft Entra applications and mapped to a user who may run this service'
    )
  })

  it('never prints the token', () => {
    const sent = token({ aud: 'https://elsewhere.example.com' })
    const message = explain(401, sent)
    for (const part of sent.split('.')) expect(message).not.toContain(part)
  })
})

describe('claims', () => {
  it('are made printable and short', () => {
    const claims = readTokenClaims(
      token({ aud: `https://x.example.com/\n::error::hi${'y'.repeat(300)}` })
    )
    expect(claims?.audience).toMatch(/^https:\/\/x\.example\.com\/\?::error::hiy+…$/)
    expect(claims?.audience).toHaveLength(201)
  })

  it('take the first audience of a list, and ignore numbers that are no dates', () => {
    expect(readTokenClaims(token({ aud: [Url, 'api://x'], exp: 'soon', nbf: 1e12 }))).toEqual({
      audience: Url,
      tenant: Tenant,
      application: App,
      issuer: `https://sts.windows.net/${Tenant}/`,
      expiresAt: undefined,
      notBefore: undefined
    })
  })
})

describe("the tenant F&O's answer names (untrusted)", () => {
  it.each([
    [`Bearer authorization_uri="https://login.windows.net/${Tenant}/oauth2/authorize"`, Tenant],
    [`Bearer authorization_uri="https://LOGIN/${Tenant.toUpperCase()}/x"`, Tenant],
    [
      'Bearer authorization_uri="https://login.windows.net/contoso.com/oauth2/authorize"',
      undefined
    ],
    ['Bearer error="invalid_token"', undefined],
    [`Bearer authorization_uri="https://h/::error::${Tenant}/x"`, undefined],
    [`${' '.repeat(3000)}Bearer authorization_uri="https://h/${Tenant}/x"`, undefined],
    [undefined, undefined]
  ])('%#: %j', (header, tenant) => {
    expect(tenantNamedBy(header)).toBe(tenant)
  })
})
