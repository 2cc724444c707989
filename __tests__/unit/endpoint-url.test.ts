import { describe, expect, it } from '@jest/globals'
import {
  buildServiceUrl,
  isLoopbackHost,
  parseAuthorityHost,
  parseEnvironmentUrl,
  withoutQuery
} from '../../src/common/endpoint-url.js'

describe('parseEnvironmentUrl', () => {
  it.each([
    ['https://contoso.operations.dynamics.com', 'https://contoso.operations.dynamics.com'],
    ['https://contoso.operations.dynamics.com/', 'https://contoso.operations.dynamics.com'],
    ['HTTPS://Contoso.Operations.Dynamics.com//', 'https://contoso.operations.dynamics.com'],
    [
      'https://contoso.sandbox.operations.dynamics.com:443/',
      'https://contoso.sandbox.operations.dynamics.com'
    ],
    ['https://fo.test:8443', 'https://fo.test:8443'],
    [
      'https://x.hr.talent.dynamics.com/namespaces/0b2c6f0e-8d3a-4a1e-9f6b-1c2d3e4f5a6b/',
      'https://x.hr.talent.dynamics.com/namespaces/0b2c6f0e-8d3a-4a1e-9f6b-1c2d3e4f5a6b'
    ],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080/sim/', 'http://[::1]:8080/sim'],
    ['http://[0:0:0:0:0:0:0:1]:8080', 'http://[::1]:8080'],
    ['http://127.1.2.3', 'http://127.1.2.3'],
    ['https://[2001:db8::1]:8443/', 'https://[2001:db8::1]:8443'],
    ['https://fo.localhost', 'https://fo.localhost'],
    [
      'https://x.hr.talent.dynamics.com/namespaces/abc/api',
      'https://x.hr.talent.dynamics.com/namespaces/abc/api'
    ],
    ['https://contoso.example/database', 'https://contoso.example/database'],
    ['https://contoso.example/services/api', 'https://contoso.example/services/api']
  ])('accepts %j as %j', (text, url) => {
    expect(parseEnvironmentUrl(text)).toEqual({ url })
  })

  it.each([
    ['contoso.operations.dynamics.com', 'is not an absolute URL'],
    ['', 'is not an absolute URL'],
    ['https://', 'is not an absolute URL'],
    [
      'http://contoso.operations.dynamics.com',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'http://10.0.0.1',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'http://localhost.example.com',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'http://fo.localhost',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'http://localhost.localhost:8080',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'http://[::2]',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'http://[::ffff:127.0.0.1]',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    [
      'ftp://contoso.example',
      'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    ],
    ['file:///etc/passwd', "has an invalid host name ''"],
    ['https://../x', "has an invalid host name '..'"],
    ['https://a..b/', "has an invalid host name 'a..b'"],
    ['https://contoso.example/%', "has a '%' that is not percent-encoding"],
    ['https://contoso.example/a\tb', 'must hold only printable ASCII characters, no spaces'],
    [
      'https://contoso.example/\r\nX-Injected: 1',
      'must hold only printable ASCII characters, no spaces'
    ],
    ['https://user:password@contoso.example', 'must not contain a user name or password'],
    ['https://user@contoso.example', 'must not contain a user name or password'],
    ['https://contoso.example/?a=1', 'must not contain a query (?) or fragment (#)'],
    ['https://contoso.example/#top', 'must not contain a query (?) or fragment (#)'],
    ['https://contoso.example/?', 'must not contain a query (?) or fragment (#)'],
    ['https://contoso.example/#', 'must not contain a query (?) or fragment (#)']
  ])('rejects %j: %s', (text, problem) => {
    expect(parseEnvironmentUrl(text)).toEqual({ problem })
  })
})

describe('parseEnvironmentUrl: an endpoint instead of an environment', () => {
  const base = (url: string): string => `the environment's base URL, ${url}`
  const services =
    'points at /api/services, which the action adds itself (/api/services/<service-name>)'
  const odata =
    "points at /data, F&O's OData endpoint, but the action calls custom services under /api/services/<service-name>"

  it.each([
    [
      'https://contoso.operations.dynamics.com/api/services',
      services,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://contoso.operations.dynamics.com/api/services/',
      services,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://contoso.operations.dynamics.com/API/Services/G/S/O',
      services,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://contoso.operations.dynamics.com/api/%73ervices',
      services,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://contoso.operations.dynamics.com/data',
      odata,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://contoso.operations.dynamics.com/data/',
      odata,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://contoso.operations.dynamics.com/Data/CustomersV3',
      odata,
      'https://contoso.operations.dynamics.com'
    ],
    [
      'https://x.hr.talent.dynamics.com/namespaces/abc/api/services/G',
      services,
      'https://x.hr.talent.dynamics.com/namespaces/abc'
    ],
    [
      'https://x.hr.talent.dynamics.com/namespaces/abc/data',
      odata,
      'https://x.hr.talent.dynamics.com/namespaces/abc'
    ]
  ])('refuses %j and names the base URL', (text, problem, url) => {
    expect(parseEnvironmentUrl(text)).toEqual({ problem, expected: base(url) })
  })
})

describe('isLoopbackHost', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '127.255.255.255', '[::1]'])(
    '%s is loopback',
    host => {
      expect(isLoopbackHost(host)).toBe(true)
    }
  )

  it.each([
    'example.com',
    '10.0.0.1',
    '128.0.0.1',
    'localhost.example.com',
    '[::2]',
    'api.localhost',
    'localhost.localhost',
    '127.0.0.1.nip.io',
    '[::ffff:7f00:1]'
  ])('%s is not loopback', host => {
    expect(isLoopbackHost(host)).toBe(false)
  })
})

describe('parseAuthorityHost', () => {
  it.each([
    ['https://login.microsoftonline.com', 'https://login.microsoftonline.com'],
    ['https://login.microsoftonline.com/', 'https://login.microsoftonline.com'],
    ['https://login.microsoftonline.us', 'https://login.microsoftonline.us'],
    ['https://login.chinacloudapi.cn/', 'https://login.chinacloudapi.cn'],
    ['https://entra.test:8443', 'https://entra.test:8443']
  ])('accepts %j as the origin %j', (text, url) => {
    expect(parseAuthorityHost(text)).toEqual({ url })
  })

  it.each([
    ['login.microsoftonline.com', 'is not an absolute URL'],
    ['http://login.microsoftonline.com', 'must use https://'],
    ['http://localhost:3000', 'must use https://'],
    ['https://u:p@login.microsoftonline.com', 'must not contain a user name or password'],
    [
      'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      'must be an origin with no path, e.g. https://login.microsoftonline.com'
    ],
    ['https://login.microsoftonline.com/?x=1', 'must not contain a query (?) or fragment (#)'],
    ['https://login.microsoftonline.com?', 'must not contain a query (?) or fragment (#)'],
    ['https://login.microsoftonline.com/#x', 'must not contain a query (?) or fragment (#)']
  ])('rejects %j: %s', (text, problem) => {
    expect(parseAuthorityHost(text)).toEqual({ problem })
  })
})

describe('buildServiceUrl', () => {
  it('appends /api/services/ and the segments to the system URL', () => {
    expect(buildServiceUrl('https://contoso.operations.dynamics.com', ['G', 'S', 'O'])).toBe(
      'https://contoso.operations.dynamics.com/api/services/G/S/O'
    )
  })

  it('keeps a path such as a Talent namespace', () => {
    expect(buildServiceUrl('https://x.hr.talent.dynamics.com/namespaces/abc', ['G'])).toBe(
      'https://x.hr.talent.dynamics.com/namespaces/abc/api/services/G'
    )
  })
})

describe('withoutQuery', () => {
  it.each([
    ['https://h/api/services/G?code=secret', 'https://h/api/services/G'],
    ['https://h/x#frag', 'https://h/x'],
    ['https://h/x', 'https://h/x']
  ])('%j → %j', (url, expected) => {
    expect(withoutQuery(url)).toBe(expected)
  })
})
