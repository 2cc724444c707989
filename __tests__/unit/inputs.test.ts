import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import * as actualCore from '@actions/core'
import path from 'node:path'
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import * as core from '../../__fixtures__/core.js'
import {
  asEncryptedPkcs8,
  unitCertificates,
  ValidNow,
  type UnitCertificates
} from '../../__fixtures__/unit-certificates.js'
import {
  ActionDefaults,
  clearInputs,
  setInputs,
  type InputName
} from '../../__fixtures__/unit-inputs.js'
import type { Settings } from '../../src/inputs/settings.js'

// Inputs are read for real from INPUT_* variables; only what core writes to the runner is faked.
jest.unstable_mockModule('@actions/core', () => ({
  ...core,
  getInput: actualCore.getInput,
  getBooleanInput: actualCore.getBooleanInput
}))

type Inputs = Partial<Record<InputName, string>>
type Env = Record<string, string | undefined>

const Url = 'https://contoso.operations.dynamics.com'
const Token = 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl'
const Tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const ClientId = '00000000-1111-2222-3333-444444444444'
const ClientSecret = 'Qx~8Q~client.secret-value'
const Base: Inputs = { 'service-name': 'G/S/O', url: Url, token: Token }
const Secret: Inputs = {
  'service-name': 'G/S/O',
  url: Url,
  tenant: Tenant,
  'client-id': ClientId,
  'client-secret': ClientSecret
}

let readSettings: typeof import('../../src/inputs/inputs.js').readSettings
let InputError: typeof import('../../src/common/errors.js').InputError

/** Imports the sources afresh: secrets.ts remembers what it masked, and masks each value once. */
async function loadFreshModules(): Promise<void> {
  jest.resetModules()
  ;({ readSettings } = await import('../../src/inputs/inputs.js'))
  ;({ InputError } = await import('../../src/common/errors.js'))
}

beforeAll(loadFreshModules)

beforeEach(() => {
  jest.resetAllMocks()
})

afterAll(clearInputs)

/** readSettings with these inputs (plus action.yml defaults) and this environment. */
async function read(values: Inputs, env: Env = {}, now?: Date): Promise<Settings> {
  setInputs(values)
  return readSettings(env, now)
}

/** Asserts that the inputs are refused with an InputError naming `input` and saying `message`. */
async function expectRefused(
  values: Inputs,
  input: InputName,
  message: string | RegExp,
  env: Env = {}
): Promise<void> {
  setInputs(values)
  await expect(readSettings(env)).rejects.toThrow(InputError)
  await expect(readSettings(env)).rejects.toThrow(
    expect.objectContaining({
      input,
      message: typeof message === 'string' ? message : expect.stringMatching(message)
    })
  )
}

function masked(): string[] {
  return core.setSecret.mock.calls.map(([secret]) => secret)
}

describe('readSettings defaults', () => {
  const expected: Settings = {
    serviceName: 'G/S/O',
    serviceUrl: `${Url}/api/services/G/S/O`,
    // An operation is run: POST, with an empty body and no Content-Type.
    method: 'POST',
    metadataOnly: false,
    body: Buffer.alloc(0),
    payload: undefined,
    checkContract: false,
    contentType: undefined,
    // Finite by default: 15 minutes of retries, 300 s per attempt.
    retryTimeoutMs: 900_000,
    retryOn: { unavailable: false, network: false },
    successWhen: undefined,
    failWhen: undefined,
    poll: undefined,
    throttleSeed: 0,
    credential: { kind: 'token', token: Token },
    expectedToken: { audience: Url, audienceInput: 'url', tenant: undefined, systemUrl: Url },
    enableException: true,
    timeoutMs: 300_000,
    maxResponseBytes: 1024 ** 3,
    responseFile: undefined,
    maskResponse: false,
    many: undefined,
    sources: { url: 'input', 'system-url': 'default' }
  }

  it("gives the documented settings with action.yml's defaults", async () => {
    expect(await read(Base)).toEqual(expected)
  })

  it('gives the same settings when the inputs with defaults are not set at all', async () => {
    setInputs(Base, { defaults: false })
    expect(await readSettings({})).toEqual(expected)
  })

  it('encodes a payload as UTF-8 when payload-charset is not set at all', async () => {
    setInputs({ ...Base, payload: '{"a":"æ"}' }, { defaults: false })
    expect(await readSettings({})).toMatchObject({
      method: 'POST',
      body: Buffer.from('{"a":"æ"}', 'utf8'),
      contentType: 'application/json;charset=utf-8'
    })
  })

  it('returns a frozen object', async () => {
    const settings = await read(Base)
    expect(Object.isFrozen(settings)).toBe(true)
    expect(Object.isFrozen(settings.sources)).toBe(true)
    expect(() => {
      ;(settings as { method: string }).method = 'POST'
    }).toThrow(TypeError)
  })
})

describe('service-name', () => {
  it.each([
    ['G', `${Url}/api/services/G`],
    ['G/S', `${Url}/api/services/G/S`],
    [
      'UserSessionService/AifUserSessionService/GetUserSessionInfo',
      `${Url}/api/services/UserSessionService/AifUserSessionService/GetUserSessionInfo`
    ]
  ])('%s goes to %s', async (name, serviceUrl) => {
    const settings = await read({ ...Base, 'service-name': name, method: 'GET' })
    expect(settings.serviceName).toBe(name)
    expect(settings.serviceUrl).toBe(serviceUrl)
  })

  it.each([
    'G/../O',
    'G/S/O/X',
    'G//O',
    'G/S/',
    'G/S/O?x=1',
    'G%2FS/O',
    'G/S/\u0410pi',
    'G\uff0fS\uff0fO'
  ])('refuses %j, quoting it and the expected form', async name => {
    await expectRefused(
      { ...Base, 'service-name': name },
      'service-name',
      `Invalid service-name '${name}'. Expected ServiceGroup/Service/Operation (1 to 3 names of letters, digits and _; / lists every service group), ` +
        'e.g. UserSessionService/AifUserSessionService/GetUserSessionInfo.'
    )
  })

  it('is required', async () => {
    await expectRefused(
      { ...Base, 'service-name': '' },
      'service-name',
      /^Invalid service-name ''\. Expected/
    )
  })

  it.each([
    ['G', { method: 'POST' }],
    ['G/S', { method: 'POST' }],
    ['G', { method: 'GET', payload: '{}' }]
  ])('%s refuses %j: a group or service can only be listed', async (name, extra) => {
    await expectRefused(
      { ...Base, 'service-name': name, ...extra },
      'service-name',
      `service-name '${name}' names a service group or service, which can only be listed (GET, no payload). ` +
        'To run an operation, give ServiceGroup/Service/Operation.'
    )
  })
})

describe('payload and method', () => {
  it('auto sends a payload with POST, as UTF-8 JSON', async () => {
    const settings = await read({ ...Base, payload: '{"name":"Æble"}' })
    expect(settings.method).toBe('POST')
    expect(settings.body).toEqual(Buffer.from('{"name":"Æble"}', 'utf8'))
    expect(settings.contentType).toBe('application/json;charset=utf-8')
  })

  it('auto without payload runs the operation: POST, with an empty body and no Content-Type', async () => {
    const settings = await read({ ...Base, method: 'auto' })
    expect(settings).toMatchObject({
      method: 'POST',
      metadataOnly: false,
      body: Buffer.alloc(0),
      contentType: undefined
    })
  })

  it.each(['G', 'G/S'])('GET lists %s', async name => {
    const settings = await read({ ...Base, 'service-name': name, method: 'GET' })
    expect(settings).toMatchObject({ method: 'GET', metadataOnly: false, body: undefined })
  })

  it.each([
    ['G/S', 'a service, not an operation', {}],
    ['G', 'a service group, not an operation', { method: 'auto' }],
    ['G/S', 'a service, not an operation', { payload: '{}' }],
    ['/', 'every service group', {}]
  ])(
    'auto refuses %s, which names %s: nothing would run, yet the step would be green',
    async (name, named, extra) => {
      await expectRefused(
        { ...Base, 'service-name': name, ...extra },
        'service-name',
        `service-name '${name}' names ${named}: add the operation to run it (ServiceGroup/Service/Operation), or set method: GET to list what it holds.`
      )
    }
  )

  it('reads / as every service group: GET /api/services', async () => {
    const settings = await read({ ...Base, 'service-name': ' / ', method: 'GET' })
    expect(settings).toMatchObject({
      serviceName: '/',
      serviceUrl: `${Url}/api/services`,
      method: 'GET',
      metadataOnly: false
    })
  })

  it('refuses to POST to /', async () => {
    await expectRefused(
      { ...Base, 'service-name': '/', method: 'POST' },
      'service-name',
      "service-name '/' names every service group, which can only be listed (GET, no payload). " +
        'To run an operation, give ServiceGroup/Service/Operation.'
    )
  })

  it('marks an explicit GET of an operation as metadata only', async () => {
    expect(await read({ ...Base, method: 'GET' })).toMatchObject({
      method: 'GET',
      metadataOnly: true
    })
  })

  it.each([
    ['get', 'GET'],
    ['Get', 'GET'],
    ['POST', 'POST'],
    ['post', 'POST'],
    ['AUTO', 'POST'],
    ['', 'POST']
  ])('reads method %j of an operation as %s', async (method, expected) => {
    expect((await read({ ...Base, method })).method).toBe(expected)
  })

  it('POST with an empty payload sends an empty body and no Content-Type', async () => {
    const settings = await read({ ...Base, method: 'POST' })
    expect(settings.method).toBe('POST')
    expect(settings.body).toEqual(Buffer.alloc(0))
    expect(settings.contentType).toBeUndefined()
  })

  it.each(['PUT', 'DELETE', 'GET POST', 'yes'])('refuses method %j', async method => {
    await expectRefused(
      { ...Base, method },
      'method',
      `Invalid method '${method}'. Expected auto, GET or POST.`
    )
  })

  it('refuses GET with a payload', async () => {
    await expectRefused(
      { ...Base, method: 'GET', payload: '{}' },
      'method',
      'method GET sends no body: leave payload empty or use POST.'
    )
  })

  it('refuses a payload that is not JSON, naming the parse position', async () => {
    await expectRefused(
      { ...Base, payload: '{"a":1,}' },
      'payload',
      'Invalid payload: not valid JSON: property name expected at line 1, column 8 (position 7).'
    )
  })

  it('never quotes the payload in the error (it may hold personal data)', async () => {
    await expectRefused(
      { ...Base, payload: '{"password": hunter2}' },
      'payload',
      'Invalid payload: not valid JSON: invalid symbol at line 1, column 14 (position 13).'
    )
  })

  it('locates the error on later lines', async () => {
    await expectRefused(
      { ...Base, payload: '{\n  "a": 1\n  "b": 2\n}' },
      'payload',
      'Invalid payload: not valid JSON: comma expected at line 3, column 3 (position 13).'
    )
  })

  it.each([
    ['an unterminated string', '{"a":"b'],
    ['trailing text', '{"a":1} x'],
    ['nothing but a word', 'hello']
  ])('refuses %s as payload', async (_what, payload) => {
    await expectRefused(
      { ...Base, payload },
      'payload',
      /^Invalid payload: not valid JSON: .+ at line \d+, column \d+ \(position \d+\)\.$/
    )
  })

  it.each(['42', '"text"', 'null', '[1,2]', ' {"a": [true, false]} '])(
    'accepts the JSON value %j as payload',
    async payload => {
      expect((await read({ ...Base, payload })).body).toEqual(Buffer.from(payload.trim()))
    }
  )
})

describe('payload-charset', () => {
  it.each([
    ['UTF-16', 'utf-16', Buffer.from('{"a":"æ"}', 'utf16le')],
    ['unicode', 'utf-16', Buffer.from('{"a":"æ"}', 'utf16le')],
    ['ASCII', 'us-ascii', undefined],
    ['windows-1252', 'windows-1252', Buffer.from('7b2261223a22e6227d', 'hex')],
    ['ANSI', 'windows-1252', Buffer.from('7b2261223a22e6227d', 'hex')],
    ['ISO-8859-1', 'iso-8859-1', Buffer.from('7b2261223a22e6227d', 'hex')],
    ['latin1', 'iso-8859-1', Buffer.from('7b2261223a22e6227d', 'hex')],
    [
      'UTF-32',
      'utf-32',
      Buffer.from(
        '7b000000220000006100000022000000' + '3a00000022000000e6000000220000007d000000',
        'hex'
      )
    ]
  ])('%s declares charset=%s and encodes the payload in it', async (label, name, bytes) => {
    const payload = bytes === undefined ? '{"a":"e"}' : '{"a":"æ"}'
    const settings = await read({ ...Base, payload, 'payload-charset': label })
    expect(settings.contentType).toBe(`application/json;charset=${name}`)
    expect(settings.body).toEqual(bytes ?? Buffer.from(payload))
  })

  it.each(['klingon', 'utf-8;x', 'utf-8\r\nX-Injected: 1', 'utf-8 x'])(
    'refuses %j, even for GET',
    async label => {
      setInputs({ ...Base, 'payload-charset': label })
      await expect(readSettings({})).rejects.toThrow(
        expect.objectContaining({
          input: 'payload-charset',
          message: expect.stringMatching(
            /^Invalid payload-charset '.*'\. Expected a charset name such as UTF-8, UTF-16, ASCII, ISO-8859-1, windows-1252 or ANSI\.$/s
          )
        })
      )
    }
  )

  it.each([
    ['ASCII', '{"price":"5 €"}', '20AC'],
    ['ISO-8859-1', '{"price":"5 €"}', '20AC'],
    ['windows-1252', '{"mood":"😀"}', '1F600']
  ])('in %s refuses %j, naming the character it cannot encode', async (label, payload, code) => {
    await expectRefused(
      { ...Base, payload, 'payload-charset': label },
      'payload-charset',
      `payload has U+${code}, which payload-charset '${label}' cannot encode. Use UTF-8, or escape it in the JSON as \\u${code}.`
    )
  })
})

describe('retry-timeout, throttle-seed and timeout-sec', () => {
  it('reads retry-timeout as hh:mm:ss', async () => {
    expect((await read({ ...Base, 'retry-timeout': '00:05:00' })).retryTimeoutMs).toBe(300_000)
    expect((await read({ ...Base, 'retry-timeout': '23:59:59' })).retryTimeoutMs).toBe(86_399_000)
  })

  it.each(['24:00:00', '00:60:00', '300', '5m', '-00:01:00'])(
    'refuses retry-timeout %j',
    async text => {
      await expectRefused(
        { ...Base, 'retry-timeout': text },
        'retry-timeout',
        `Invalid retry-timeout '${text}'. Expected hh:mm:ss with hh ≤ 23, mm ≤ 59, ss ≤ 59, e.g. 00:05:00 (00:00:00 = no limit).`
      )
    }
  )

  it('reads throttle-seed and timeout-sec as whole numbers', async () => {
    const settings = await read({ ...Base, 'throttle-seed': '30', 'timeout-sec': '120' })
    expect(settings.throttleSeed).toBe(30)
    expect(settings.timeoutMs).toBe(120_000)
    const largest = await read({ ...Base, 'throttle-seed': '86400', 'timeout-sec': '86400' })
    expect(largest).toMatchObject({
      throttleSeed: 86_400,
      timeoutMs: 86_400_000
    })
  })

  it.each([
    ['throttle-seed', '86401'],
    ['throttle-seed', '-1'],
    ['throttle-seed', '1.5'],
    ['throttle-seed', 'ten'],
    ['timeout-sec', '1e3'],
    ['timeout-sec', '0x10'],
    ['timeout-sec', '9999999']
  ] as const)('refuses %s %j', async (name, text) => {
    await expectRefused(
      { ...Base, [name]: text },
      name,
      `Invalid ${name} '${text}'. Expected a whole number from 0 to 86400.`
    )
  })
})

describe('max-response-size', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['1073741824', 1024 ** 3],
    ['512KiB', 512 * 1024],
    ['10MiB', 10 * 1024 ** 2],
    ['10 mib', 10 * 1024 ** 2],
    ['2GiB', 2 * 1024 ** 3]
  ])('reads %j as %i bytes', async (text, bytes) => {
    expect((await read({ ...Base, 'max-response-size': text })).maxResponseBytes).toBe(bytes)
  })

  it.each(['10MB', '1.5GiB', '-1', '1e9', 'GiB', '10  MiB', '9999999999999999GiB', 'none'])(
    'refuses %j',
    async text => {
      await expectRefused(
        { ...Base, 'max-response-size': text },
        'max-response-size',
        `Invalid max-response-size '${text}'. Expected a whole number of bytes, or of KiB, MiB or GiB, e.g. 1073741824 or 1GiB (0 = no limit).`
      )
    }
  )
})

describe('finite defaults', () => {
  it('limits each attempt to 300 s and all retries to 15 minutes unless told otherwise', async () => {
    expect(await read(Base)).toMatchObject({ timeoutMs: 300_000, retryTimeoutMs: 900_000 })
    expect(ActionDefaults).toMatchObject({ 'timeout-sec': '300', 'retry-timeout': '00:15:00' })
  })

  it('lifts either limit only when 0 or 00:00:00 is given explicitly', async () => {
    expect(await read({ ...Base, 'timeout-sec': '0', 'retry-timeout': '00:00:00' })).toMatchObject({
      timeoutMs: 0,
      retryTimeoutMs: 0
    })
  })
})

describe('retry-on', () => {
  it.each([
    ['429', { unavailable: false, network: false }],
    ['unavailable', { unavailable: true, network: false }],
    ['network', { unavailable: false, network: true }],
    ['429, unavailable, network', { unavailable: true, network: true }],
    ['Unavailable,NETWORK', { unavailable: true, network: true }],
    ['unavailable\nnetwork', { unavailable: true, network: true }]
  ])('reads %j', async (text, expected) => {
    expect((await read({ ...Base, 'retry-on': text })).retryOn).toEqual(expected)
  })

  it.each([
    ['503', '503'],
    ['unavailable, timeout', 'timeout'],
    ['all', 'all']
  ])('refuses %j, naming %s and what is accepted', async (text, word) => {
    await expectRefused(
      { ...Base, 'retry-on': text },
      'retry-on',
      `Invalid retry-on '${text}': '${word}' is not one of 429, unavailable (502, 503, 504) and network (connection failures). ` +
        'Expected a comma list, e.g. unavailable, network.'
    )
  })
})

describe('success-when, fail-when and until', () => {
  it('keeps each expression as given', async () => {
    const settings = await read({
      ...Base,
      'success-when': 'Result == `true`',
      'fail-when': "Status == 'Failed'",
      until: "Status == 'Succeeded'"
    })
    expect(settings).toMatchObject({
      successWhen: 'Result == `true`',
      failWhen: "Status == 'Failed'",
      poll: { until: "Status == 'Succeeded'", intervalMs: 10_000, timeoutMs: 1_800_000 }
    })
    expect(Object.isFrozen(settings.poll)).toBe(true)
  })

  it.each(['success-when', 'fail-when', 'until'] as const)(
    'refuses %s that is not JMESPath, before any request',
    async name => {
      await expectRefused(
        { ...Base, [name]: 'Result ==' },
        name,
        new RegExp(
          `^Invalid ${name} 'Result ==': .+\\. Expected a JMESPath expression, e\\.g\\. Result == \`true\`\\.$`
        )
      )
    }
  )

  it('refuses an expression of more than 2000 characters', async () => {
    await expectRefused(
      { ...Base, 'success-when': `a${'.b'.repeat(1000)}` },
      'success-when',
      'Invalid success-when: 2001 characters, more than 2000.'
    )
  })

  it('reads poll-interval in whole seconds from 1 to 3600 and poll-timeout as hh:mm:ss', async () => {
    const settings = await read({
      ...Base,
      until: 'done',
      'poll-interval': '1',
      'poll-timeout': '00:00:03'
    })
    expect(settings.poll).toEqual({ until: 'done', intervalMs: 1_000, timeoutMs: 3_000 })
    const unlimited = await read({ ...Base, until: 'done', 'poll-timeout': '00:00:00' })
    expect(unlimited.poll?.timeoutMs).toBe(0)
  })

  it.each(['0', '3601', '0.5', 'often'])('refuses poll-interval %j', async text => {
    await expectRefused(
      { ...Base, until: 'done', 'poll-interval': text },
      'poll-interval',
      `Invalid poll-interval '${text}'. Expected a whole number from 1 to 3600.`
    )
  })

  it('refuses a poll-timeout that is not hh:mm:ss', async () => {
    await expectRefused(
      { ...Base, until: 'done', 'poll-timeout': '30m' },
      'poll-timeout',
      "Invalid poll-timeout '30m'. Expected hh:mm:ss with hh ≤ 23, mm ≤ 59, ss ≤ 59, e.g. 00:05:00 (00:00:00 = no limit)."
    )
  })

  it('does not poll without until', async () => {
    expect((await read({ ...Base, 'poll-interval': '5' })).poll).toBeUndefined()
  })
})

describe('enable-exception and mask-response', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('read %j as %s', async (text, value) => {
    const settings = await read({ ...Base, 'enable-exception': text, 'mask-response': text })
    expect(settings.enableException).toBe(value)
    expect(settings.maskResponse).toBe(value)
  })

  it.each([
    ['enable-exception', 'yes'],
    ['enable-exception', '1'],
    ['mask-response', 'on'],
    ['mask-response', 'tRUE']
  ] as const)('refuse %s %j', async (name, text) => {
    await expectRefused(
      { ...Base, [name]: text },
      name,
      `Invalid ${name} '${text}'. Expected true or false.`
    )
  })
})

describe('url and system-url', () => {
  it('sends requests to system-url, keeping its path, and asks the token for url', async () => {
    const systemUrl =
      'https://x.hr.talent.dynamics.com/namespaces/0b2c6f0e-8d3a-4a1e-9f6b-1c2d3e4f5a6b/'
    const settings = await read({ ...Secret, 'system-url': systemUrl })
    expect(settings.serviceUrl).toBe(
      'https://x.hr.talent.dynamics.com/namespaces/0b2c6f0e-8d3a-4a1e-9f6b-1c2d3e4f5a6b/api/services/G/S/O'
    )
    expect(settings.credential).toMatchObject({ app: { scope: `${Url}/.default` } })
    expect(settings.sources).toMatchObject({ url: 'input', 'system-url': 'input' })
  })

  it('trims the trailing slash of url', async () => {
    expect((await read({ ...Base, url: `${Url}/` })).serviceUrl).toBe(`${Url}/api/services/G/S/O`)
  })

  it('accepts http for localhost only', async () => {
    expect((await read({ ...Base, url: 'http://localhost:8080' })).serviceUrl).toBe(
      'http://localhost:8080/api/services/G/S/O'
    )
    await expectRefused(
      { ...Base, url: 'http://contoso.operations.dynamics.com' },
      'url',
      'Invalid url: must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1]). Expected e.g. https://contoso.operations.dynamics.com.'
    )
  })

  it.each([
    ['url', 'https://contoso.operations.dynamics.com/api/services/'],
    ['system-url', 'https://contoso.operations.dynamics.com/api/services/G/S']
  ] as const)('refuses %s ending in /api/services or below: %j', async (name, text) => {
    await expectRefused(
      { ...Base, [name]: text },
      name,
      `Invalid ${name}: points at /api/services, which the action adds itself (/api/services/<service-name>). ` +
        "Expected the environment's base URL, https://contoso.operations.dynamics.com."
    )
  })

  it.each([
    ['url', 'https://contoso.operations.dynamics.com/data'],
    ['system-url', 'https://x.hr.talent.dynamics.com/namespaces/abc/data/Customers']
  ] as const)('refuses %s ending in /data or below: %j', async (name, text) => {
    await expectRefused(
      { ...Base, [name]: text },
      name,
      `Invalid ${name}: points at /data, F&O's OData endpoint, but the action calls custom services under /api/services/<service-name>. ` +
        `Expected the environment's base URL, ${new URL(text).origin}${name === 'url' ? '' : '/namespaces/abc'}.`
    )
  })

  it('keeps a system-url path such as /namespaces/<id>', async () => {
    const settings = await read({
      ...Base,
      'system-url':
        'https://x.hr.talent.dynamics.com/namespaces/0b2c6f0e-8d3a-4a1e-9f6b-1c2d3e4f5a6b/'
    })
    expect(settings.serviceUrl).toBe(
      'https://x.hr.talent.dynamics.com/namespaces/0b2c6f0e-8d3a-4a1e-9f6b-1c2d3e4f5a6b/api/services/G/S/O'
    )
  })

  it.each([
    ['url', 'contoso.operations.dynamics.com', 'is not an absolute URL'],
    ['url', 'https://user:pass@contoso.example', 'must not contain a user name or password'],
    ['system-url', 'https://contoso.example/?a=1', 'must not contain a query (?) or fragment (#)'],
    ['system-url', 'https://contoso.example/#x', 'must not contain a query (?) or fragment (#)']
  ] as const)('refuses %s %j: %s', async (name, text, problem) => {
    await expectRefused(
      { ...Base, [name]: text },
      name,
      `Invalid ${name}: ${problem}. Expected e.g. https://contoso.operations.dynamics.com.`
    )
  })

  it('does not quote a refused URL, which may hold a password', async () => {
    setInputs({ ...Base, url: 'https://user:hunter2@contoso.example' })
    await expect(readSettings({})).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') })
    )
  })

  it('needs url or system-url', async () => {
    await expectRefused(
      { ...Base, url: '' },
      'system-url',
      "No environment given: set 'url' (or 'system-url'), e.g. https://contoso.operations.dynamics.com, or the D365FO_URL environment variable."
    )
  })

  it('falls back to D365FO_URL and D365FO_SYSTEM_URL', async () => {
    const settings = await read(
      { ...Secret, url: '' },
      { D365FO_URL: `${Url}/`, D365FO_SYSTEM_URL: 'https://other.example/ns/' }
    )
    expect(settings.serviceUrl).toBe('https://other.example/ns/api/services/G/S/O')
    expect(settings.credential).toMatchObject({ app: { scope: `${Url}/.default` } })
    expect(settings.sources).toMatchObject({ url: 'environment', 'system-url': 'environment' })
  })

  it('prefers the url input to D365FO_URL', async () => {
    const settings = await read(Secret, { D365FO_URL: 'https://env.example' })
    expect(settings.serviceUrl).toBe(`${Url}/api/services/G/S/O`)
    expect(settings.credential).toMatchObject({ app: { scope: `${Url}/.default` } })
    expect(settings.sources).toMatchObject({ url: 'input', 'system-url': 'default' })
  })

  it('prefers the system-url input to D365FO_SYSTEM_URL', async () => {
    const settings = await read(
      { ...Base, 'system-url': 'https://sys.example' },
      { D365FO_SYSTEM_URL: 'https://env.example' }
    )
    expect(settings.serviceUrl).toBe('https://sys.example/api/services/G/S/O')
    expect(settings.sources).toMatchObject({ 'system-url': 'input' })
  })

  it('takes D365FO_SYSTEM_URL over url, as system-url stands for it', async () => {
    const settings = await read(Base, { D365FO_SYSTEM_URL: 'https://env.example' })
    expect(settings.serviceUrl).toBe('https://env.example/api/services/G/S/O')
    expect(settings.sources).toMatchObject({ url: 'input', 'system-url': 'environment' })
  })

  it('validates a URL from the environment too, naming the input it stands for', async () => {
    await expectRefused({ ...Base, url: '' }, 'url', /^Invalid url: must use https:\/\//, {
      D365FO_URL: 'http://contoso.example'
    })
  })

  it('lets a token call system-url without url', async () => {
    const settings = await read({ ...Base, url: '', 'system-url': 'https://sys.example' })
    expect(settings.serviceUrl).toBe('https://sys.example/api/services/G/S/O')
    expect(settings.sources).toMatchObject({ url: 'default', 'system-url': 'input' })
  })

  it('needs url for a token from Entra ID', async () => {
    await expectRefused(
      { ...Secret, url: '', 'system-url': 'https://sys.example' },
      'url',
      "client-secret needs 'url', the environment the token is for (scope <url>/.default)."
    )
  })
})

describe('credentials', () => {
  it('uses the token as is', async () => {
    expect((await read(Base)).credential).toEqual({ kind: 'token', token: Token })
  })

  it.each([`Bearer ${Token}`, `bearer ${Token}`, `BEARER   ${Token}`])(
    'strips the prefix of %j',
    async token => {
      expect((await read({ ...Base, token })).credential).toEqual({ kind: 'token', token: Token })
    }
  )

  it.each([
    ['whitespace', 'abc def'],
    ['CR/LF', 'abc\r\ndef'],
    ['a tab', `Bearer ${Token}\tx`],
    ['non-ASCII', 'abc\u00e9def'],
    ['only the prefix', 'Bearer '],
    ['only the prefix and a no-break space', 'Bearer \u00a0']
  ])('refuses a token with %s, without quoting it', async (_what, token) => {
    setInputs({ ...Base, token })
    await expect(readSettings({})).rejects.toThrow(
      expect.objectContaining({
        input: 'token',
        message: "Invalid token: expected one bearer token, with or without a leading 'Bearer '."
      })
    )
  })

  it.each([
    [{ token: Token, 'client-secret': ClientSecret }, 'client-secret', 'token and client-secret'],
    [
      { token: Token, 'client-certificate': 'PEM' },
      'client-certificate',
      'token and client-certificate'
    ],
    [
      { 'client-certificate': 'PEM', 'client-secret': ClientSecret },
      'client-secret',
      'client-certificate and client-secret'
    ]
  ] as const)('refuses two credentials %j, naming both', async (credentials, input, both) => {
    await expectRefused(
      { ...Secret, token: '', 'client-secret': '', ...credentials },
      input,
      `Give only one credential: ${both} are both set.`
    )
  })

  it('uses client-secret with tenant and client-id', async () => {
    expect((await read(Secret)).credential).toEqual({
      kind: 'client-secret',
      app: {
        tenant: Tenant,
        clientId: ClientId,
        authorityHost: 'https://login.microsoftonline.com',
        scope: `${Url}/.default`
      },
      clientSecret: ClientSecret
    })
  })

  it.each([
    ['tenant', { tenant: '' }, 'client-secret needs tenant as well.'],
    ['client-id', { 'client-id': '' }, 'client-secret needs client-id as well.'],
    ['tenant', { tenant: '', 'client-id': '' }, 'client-secret needs tenant and client-id as well.']
  ] as const)('says client-secret needs %s', async (input, missing, message) => {
    await expectRefused({ ...Secret, ...missing }, input, message)
  })

  it('lists what is needed when no credential is given', async () => {
    await expectRefused(
      { 'service-name': 'G/S/O', url: Url },
      'tenant',
      "No credential given. Set 'token', or 'tenant' and 'client-id' with 'client-secret', 'client-certificate' " +
        'or GitHub OIDC (permissions: id-token: write). Missing: tenant and client-id.'
    )
  })

  it('uses GitHub OIDC for tenant and client-id alone when the job may request an ID token', async () => {
    const settings = await read(
      { ...Secret, 'client-secret': '' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/request' }
    )
    expect(settings.credential).toEqual({
      kind: 'oidc',
      app: {
        tenant: Tenant,
        clientId: ClientId,
        authorityHost: 'https://login.microsoftonline.com',
        scope: `${Url}/.default`
      },
      audience: 'api://AzureADTokenExchange',
      implicit: true
    })
  })

  it('passes oidc-audience on', async () => {
    const settings = await read(
      { ...Secret, 'client-secret': '', 'oidc-audience': 'api://custom' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/request' }
    )
    expect(settings.credential).toMatchObject({ kind: 'oidc', audience: 'api://custom' })
  })

  describe('without ACTIONS_ID_TOKEN_REQUEST_URL in its environment', () => {
    // Set in the test process only: readSettings must look at the environment it is given.
    beforeEach(() => {
      process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = 'https://token.actions.example/request'
    })
    afterEach(() => {
      delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    })

    it('asks for permissions: id-token: write', async () => {
      await expectRefused(
        { ...Secret, 'client-secret': '' },
        'client-secret',
        "No credential given for client-id: set 'client-secret' or 'client-certificate', or use GitHub OIDC " +
          "by adding 'permissions: id-token: write' to the job (ACTIONS_ID_TOKEN_REQUEST_URL is not set)."
      )
    })
  })

  it('falls back to AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET', async () => {
    const settings = await read(
      { 'service-name': 'G/S/O', url: Url },
      { AZURE_TENANT_ID: Tenant, AZURE_CLIENT_ID: ClientId, AZURE_CLIENT_SECRET: ClientSecret }
    )
    expect(settings.credential).toMatchObject({
      kind: 'client-secret',
      app: { tenant: Tenant, clientId: ClientId },
      clientSecret: ClientSecret
    })
    expect(settings.sources).toEqual({
      url: 'input',
      'system-url': 'default',
      tenant: 'environment',
      'client-id': 'environment',
      'client-secret': 'environment'
    })
  })

  it('prefers inputs to AZURE_* variables', async () => {
    const settings = await read(Secret, {
      AZURE_TENANT_ID: 'env-tenant.example',
      AZURE_CLIENT_ID: 'env-client',
      AZURE_CLIENT_SECRET: 'env-secret-value'
    })
    expect(settings.credential).toMatchObject({
      app: { tenant: Tenant, clientId: ClientId },
      clientSecret: ClientSecret
    })
    expect(settings.sources).toMatchObject({
      tenant: 'input',
      'client-id': 'input',
      'client-secret': 'input'
    })
  })

  it('prefers a token to AZURE_* variables without calling it a conflict', async () => {
    const settings = await read(Base, {
      AZURE_TENANT_ID: Tenant,
      AZURE_CLIENT_ID: ClientId,
      AZURE_CLIENT_SECRET: ClientSecret
    })
    expect(settings.credential).toEqual({ kind: 'token', token: Token })
  })

  it.each(['contoso/../x', 'contoso.onmicrosoft.com?x', 'tenant with space'])(
    'refuses tenant %j',
    async tenant => {
      await expectRefused(
        { ...Secret, tenant },
        'tenant',
        `Invalid tenant '${tenant}'. Expected a tenant id (GUID) or domain, e.g. contoso.onmicrosoft.com.`
      )
    }
  )

  it.each(['id/../x', 'id?x', '{guid}'])('refuses client-id %j', async clientId => {
    await expectRefused(
      { ...Secret, 'client-id': clientId },
      'client-id',
      `Invalid client-id '${clientId}'. Expected an application (client) id GUID.`
    )
  })
})

describe('auth', () => {
  const IdToken = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/request' }
  const SecretQuestion =
    "is the secret's name right, and is it available to this workflow (forks, environments)?"

  it.each([
    [
      'token',
      { ...Base, token: '' },
      'token',
      /^auth is token but token is empty — is the expression right/
    ],
    [
      'certificate',
      { ...Secret, 'client-secret': '' },
      'client-certificate',
      `auth is certificate but client-certificate is empty — ${SecretQuestion}`
    ],
    [
      'client-secret',
      { ...Secret, 'client-secret': '' },
      'client-secret',
      `auth is client-secret but client-secret is empty — ${SecretQuestion} (AZURE_CLIENT_SECRET is not set either.)`
    ]
  ] as const)('refuses auth %s with its credential empty', async (auth, inputs, input, message) => {
    await expectRefused({ ...inputs, auth }, input, message, IdToken)
  })

  it('refuses auth oidc when the job cannot ask for an ID token, even with a secret in the environment', async () => {
    await expectRefused(
      { ...Secret, 'client-secret': '', auth: 'oidc' },
      'auth',
      "auth is oidc but the job cannot ask GitHub for an ID token (ACTIONS_ID_TOKEN_REQUEST_URL is not set) — add 'permissions: id-token: write' to the job; a pull_request from a fork gets no ID token.",
      { AZURE_CLIENT_SECRET: ClientSecret }
    )
  })

  it('refuses a pinned mode with another explicit credential, naming both', async () => {
    await expectRefused(
      { ...Secret, auth: 'oidc' },
      'client-secret',
      'auth is oidc but client-secret is set too: remove client-secret, or set auth to client-secret.',
      IdToken
    )
    await expectRefused(
      { ...Secret, token: Token, auth: 'client-secret' },
      'token',
      'auth is client-secret but token is set too: remove token, or set auth to token.'
    )
  })

  it('uses the pinned mode, with AZURE_CLIENT_SECRET for client-secret and ignoring it for oidc', async () => {
    const env = { ...IdToken, AZURE_CLIENT_SECRET: ClientSecret }
    const secret = await read({ ...Secret, 'client-secret': '', auth: 'client-secret' }, env)
    expect(secret.credential).toMatchObject({ kind: 'client-secret', clientSecret: ClientSecret })
    const oidc = await read({ ...Secret, 'client-secret': '', auth: 'OIDC' }, env)
    expect(oidc.credential).toMatchObject({ kind: 'oidc', implicit: false })
    const token = await read({ ...Base, tenant: Tenant, auth: 'token' }, env)
    expect(token.credential).toEqual({ kind: 'token', token: Token })
  })

  it('calls OIDC implicit only when auth is auto', async () => {
    const settings = await read({ ...Secret, 'client-secret': '', auth: 'auto' }, IdToken)
    expect(settings.credential).toMatchObject({ kind: 'oidc', implicit: true })
  })

  it('refuses an unknown auth', async () => {
    await expectRefused(
      { ...Secret, auth: 'secret' },
      'auth',
      "Invalid auth 'secret'. Expected auto, token, certificate, client-secret, oidc."
    )
  })
})

describe('the token a refusal is checked against', () => {
  it('is for url, in the tenant given', async () => {
    const settings = await read(Secret)
    expect(settings.expectedToken).toEqual({
      audience: Url,
      audienceInput: 'url',
      tenant: Tenant,
      systemUrl: Url
    })
  })

  it("is for system-url's origin when a given token has no url, in AZURE_TENANT_ID", async () => {
    const settings = await read(
      { ...Base, url: '', 'system-url': 'https://sys.example/namespaces/abc' },
      { AZURE_TENANT_ID: Tenant }
    )
    expect(settings.expectedToken).toEqual({
      audience: 'https://sys.example',
      audienceInput: 'system-url',
      tenant: Tenant,
      systemUrl: 'https://sys.example/namespaces/abc'
    })
  })
})

describe('authority-host', () => {
  it.each([
    ['https://login.microsoftonline.us/', 'https://login.microsoftonline.us'],
    ['https://login.chinacloudapi.cn', 'https://login.chinacloudapi.cn']
  ])('uses %s', async (host, origin) => {
    expect((await read({ ...Secret, 'authority-host': host })).credential).toMatchObject({
      app: { authorityHost: origin }
    })
  })

  it.each([
    ['http://login.microsoftonline.com', 'must use https://'],
    ['login.microsoftonline.com', 'is not an absolute URL'],
    [
      'https://login.microsoftonline.com/contoso',
      'must be an origin with no path, e.g. https://login.microsoftonline.com'
    ]
  ])('refuses %j: %s', async (host, problem) => {
    await expectRefused(
      { ...Secret, 'authority-host': host },
      'authority-host',
      `Invalid authority-host: ${problem}.`
    )
  })
})

describe('client-certificate', () => {
  let certs: UnitCertificates
  beforeAll(async () => {
    certs = await unitCertificates()
  })

  it('reads the key and certificate', async () => {
    const settings = await read(
      {
        ...Secret,
        'client-secret': '',
        'client-certificate': `${certs.leaf.key}${certs.leaf.cert}`
      },
      {},
      ValidNow
    )
    expect(settings.credential).toMatchObject({
      kind: 'certificate',
      app: { tenant: Tenant, clientId: ClientId, scope: `${Url}/.default` },
      certificate: { chainPem: certs.leaf.cert.trim() }
    })
  })

  it('is preferred to AZURE_CLIENT_SECRET', async () => {
    const settings = await read(
      {
        ...Secret,
        'client-secret': '',
        'client-certificate': `${certs.leaf.key}${certs.leaf.cert}`
      },
      { AZURE_CLIENT_SECRET: ClientSecret },
      ValidNow
    )
    expect(settings.credential.kind).toBe('certificate')
  })

  it('names client-certificate and the problem', async () => {
    setInputs({
      ...Secret,
      'client-secret': '',
      'client-certificate': `${certs.leaf.key}${certs.other.cert}`
    })
    await expect(readSettings({}, ValidNow)).rejects.toThrow(
      expect.objectContaining({
        input: 'client-certificate',
        message:
          'Invalid client-certificate: has a private key that matches none of its certificates.'
      })
    )
  })

  it('checks validity at the given time', async () => {
    setInputs({
      ...Secret,
      'client-secret': '',
      'client-certificate': `${certs.leaf.key}${certs.leaf.cert}`
    })
    await expect(readSettings({}, new Date('2040-01-01T00:00:00Z'))).rejects.toThrow(
      expect.objectContaining({
        input: 'client-certificate',
        message: 'Invalid client-certificate: certificate expired on 2034-01-01T00:00:00.000Z.'
      })
    )
  })

  it('needs tenant and client-id', async () => {
    await expectRefused(
      {
        'service-name': 'G/S/O',
        url: Url,
        'client-certificate': `${certs.leaf.key}${certs.leaf.cert}`
      },
      'tenant',
      'client-certificate needs tenant and client-id as well.'
    )
  })
})

describe('masking secrets', () => {
  let certs: UnitCertificates
  beforeAll(async () => {
    certs = await unitCertificates()
  })

  beforeEach(loadFreshModules)

  it('masks client-secret before refusing a later input', async () => {
    await expectRefused(
      { ...Secret, 'authority-host': 'http://x' },
      'authority-host',
      /must use https/
    )
    expect(masked()).toContain(ClientSecret)
  })

  it('masks the token, with and without its prefix, before refusing a second credential', async () => {
    await expectRefused(
      { ...Base, token: `Bearer ${Token}`, 'client-secret': ClientSecret },
      'client-secret',
      /Give only one credential/
    )
    expect(masked()).toEqual(expect.arrayContaining([`Bearer ${Token}`, ClientSecret]))
    await read({ ...Base, token: `Bearer ${Token}` })
    expect(masked()).toContain(Token)
  })

  it('masks AZURE_CLIENT_SECRET before saying tenant is missing', async () => {
    await expectRefused(
      { 'service-name': 'G/S/O', url: Url },
      'tenant',
      /needs tenant and client-id/,
      { AZURE_CLIENT_SECRET: 'env-secret-from-azure' }
    )
    expect(masked()).toContain('env-secret-from-azure')
  })

  it('masks the GitHub OIDC request token before refusing a later input', async () => {
    await expectRefused(
      { ...Base, 'retry-timeout': 'soon' },
      'retry-timeout',
      /Invalid retry-timeout/,
      { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-xyz' }
    )
    expect(masked()).toContain('oidc-request-token-xyz')
  })

  it('masks every line of the certificate, the password and the decrypted key', async () => {
    const password = 'pfx-password-123'
    const pem = `${asEncryptedPkcs8(certs.leaf.key, password)}${certs.leaf.cert}`
    const { credential } = await read(
      {
        ...Secret,
        'client-secret': '',
        'client-certificate': pem,
        'client-certificate-password': password
      },
      {},
      ValidNow
    )
    expect(credential.kind).toBe('certificate')
    const privateKey = credential.kind === 'certificate' ? credential.certificate.privateKey : ''
    const lines = [pem, privateKey]
      .flatMap(text => text.split(/\r?\n/))
      .filter(line => line.length >= 3)
    expect(masked()).toEqual(expect.arrayContaining([...lines, password]))
  })

  it('masks the certificate and password before refusing a later input', async () => {
    const pem = `${certs.leaf.key}${certs.leaf.cert}`
    await expectRefused(
      {
        ...Secret,
        'client-secret': '',
        'client-certificate': pem,
        'client-certificate-password': 'pw-abc',
        tenant: ''
      },
      'tenant',
      /needs tenant/
    )
    const keyLines = certs.leaf.key.split('\n').filter(line => line.length >= 3)
    expect(masked()).toEqual(expect.arrayContaining([...keyLines, 'pw-abc']))
  })

  it('does not mask ordinary settings', async () => {
    await read(Secret)
    expect(masked()).toEqual([ClientSecret])
  })
})

describe('response-file', () => {
  it('is resolved against GITHUB_WORKSPACE', async () => {
    expect(
      (
        await read(
          { ...Base, 'response-file': 'out/response.json' },
          { GITHUB_WORKSPACE: '/home/runner/work/repo' }
        )
      ).responseFile
    ).toBe('/home/runner/work/repo/out/response.json')
  })

  it('keeps an absolute path', async () => {
    expect(
      (
        await read(
          { ...Base, 'response-file': '/ws/out/r.json' },
          { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/tmp' }
        )
      ).responseFile
    ).toBe('/ws/out/r.json')
  })

  it('is resolved against the working directory without GITHUB_WORKSPACE', async () => {
    expect((await read({ ...Base, 'response-file': 'r.json' })).responseFile).toBe(
      path.resolve('r.json')
    )
  })

  it('keeps an absolute path under RUNNER_TEMP', async () => {
    expect(
      (
        await read(
          { ...Base, 'response-file': '/runner/_temp/r.json' },
          { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/runner/_temp' }
        )
      ).responseFile
    ).toBe('/runner/_temp/r.json')
  })

  it.each([
    ['a .. escape', '../outside.json', '/home/runner/work/outside.json'],
    ['a deeper .. escape', 'out/../../../etc/cron.d/x', '/home/runner/etc/cron.d/x'],
    ['an absolute path elsewhere', '/etc/passwd', '/etc/passwd'],
    ['the workspace itself', '.', '/home/runner/work/repo']
  ])('refuses %s', async (_what, given, resolved) => {
    await expectRefused(
      { ...Base, 'response-file': given },
      'response-file',
      `Invalid response-file '${given}': it resolves to ${resolved}, which is not inside GITHUB_WORKSPACE (/home/runner/work/repo) or RUNNER_TEMP (/home/runner/_temp). ` +
        'Give a file path inside the workspace, e.g. out/response.json, or under RUNNER_TEMP.',
      { GITHUB_WORKSPACE: '/home/runner/work/repo', RUNNER_TEMP: '/home/runner/_temp' }
    )
  })

  it('refuses a NUL character', async () => {
    await expectRefused(
      { ...Base, 'response-file': 'a\u0000b' },
      'response-file',
      'Invalid response-file: a path cannot hold a NUL character.'
    )
  })

  it('is undefined when not given, so a file under RUNNER_TEMP is used', async () => {
    expect((await read(Base, { GITHUB_WORKSPACE: '/ws' })).responseFile).toBeUndefined()
  })
})

describe('calls, calls-file, concurrency and results-file', () => {
  const Many: Inputs = { url: Url, token: Token }
  const Suite = `
- name: Session
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
  success-when: UserId
- service-name: G/S
  method: GET
- payload: {a: 1}
`

  it('prepares every call of calls before any request, with the step inputs as defaults', async () => {
    const settings = await read({
      ...Many,
      'service-name': 'G/S/O',
      'fail-when': 'Failed',
      calls: Suite
    })
    expect(settings.many).toMatchObject({
      callsFile: undefined,
      concurrency: 4,
      resultsFile: undefined,
      defaults: { serviceName: 'G/S/O', payload: undefined, method: 'auto', failWhen: 'Failed' }
    })
    expect(settings.many?.calls).toEqual([
      {
        name: 'Session',
        index: 1,
        line: undefined,
        serviceName: 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
        method: 'POST',
        url: `${Url}/api/services/UserSessionService/AifUserSessionService/GetUserSessionInfo`,
        body: Buffer.alloc(0),
        contentType: undefined,
        successWhen: 'UserId',
        failWhen: 'Failed'
      },
      expect.objectContaining({
        name: 'call 2',
        method: 'GET',
        url: `${Url}/api/services/G/S`,
        body: undefined
      }),
      expect.objectContaining({
        name: 'call 3',
        serviceName: 'G/S/O',
        method: 'POST',
        body: Buffer.from('{"a":1}'),
        contentType: 'application/json;charset=utf-8'
      })
    ])
    // The single-call fields hold nothing to send.
    expect(settings).toMatchObject({ serviceName: 'G/S/O', metadataOnly: false, poll: undefined })
  })

  it('needs no step service-name when every call has one', async () => {
    const settings = await read({ ...Many, calls: '- {service-name: G/S/O}' })
    expect(settings.many?.defaults.serviceName).toBeUndefined()
    expect(settings.serviceName).toBe('')
  })

  it('still refuses a step without service-name and without calls', async () => {
    await expectRefused(Many, 'service-name', /^Invalid service-name ''/)
  })

  it.each([
    [
      'an item without service-name',
      '- {name: lost}',
      "Invalid calls: item 1 ('lost'): no service-name: give it for the call, or as the step's input for every call."
    ],
    [
      'a service that is POSTed',
      '- {service-name: G/S, method: POST}',
      "Invalid calls: item 1: service-name 'G/S' names a service group or service, which can only be listed (GET, no payload). To run an operation, give ServiceGroup/Service/Operation."
    ],
    [
      'a GET with a payload',
      '- {service-name: G/S/O, method: GET, payload: {a: 1}}',
      'Invalid calls: item 1: method GET sends no body: leave payload empty or use POST.'
    ],
    [
      'a bad method',
      '- {service-name: G/S/O}\n- {service-name: G/S/O, method: PUT}',
      "Invalid calls: item 2: invalid method 'PUT'. Expected auto, GET or POST."
    ],
    [
      'a bad expression',
      '- {service-name: G/S/O, success-when: "Result =="}',
      /^Invalid calls: item 1: invalid success-when 'Result ==': .*; expected a JMESPath expression, e.g\. Result == `true`\.$/
    ],
    [
      'a bad service name',
      '- {service-name: "G/../O"}',
      "Invalid calls: item 1: invalid service-name 'G/../O': expected ServiceGroup/Service/Operation (1 to 3 names of letters, digits and _; / lists every service group)."
    ],
    ['text that is not a list', 'G/S/O', /^Invalid calls: expected a list of calls/]
  ])('refuses %s in calls, naming the item', async (_, calls, message) => {
    await expectRefused({ ...Many, calls }, 'calls', message)
  })

  it('refuses a payload the charset cannot encode', async () => {
    await expectRefused(
      {
        ...Many,
        calls: '- {service-name: G/S/O, payload: {a: "€"}}',
        'payload-charset': 'ISO-8859-1'
      },
      'calls',
      "Invalid calls: item 1: the payload has U+20AC, which payload-charset 'iso-8859-1' cannot encode; use UTF-8, or escape it in the JSON as \\u20AC."
    )
  })

  it('refuses calls with calls-file, until or response-file', async () => {
    await expectRefused(
      { ...Many, calls: Suite, 'calls-file': 'c.jsonl' },
      'calls-file',
      /^Give calls or calls-file, not both/
    )
    await expectRefused(
      { ...Many, calls: Suite, until: 'Done' },
      'until',
      'until is for a single call and cannot go with calls: poll in a step of its own (without calls).'
    )
    await expectRefused(
      { ...Many, 'calls-file': 'c.jsonl', 'response-file': 'r.json' },
      'response-file',
      "response-file is for a single call and cannot go with calls-file: each call's answer is in results-file."
    )
  })

  it('refuses mask-response with many calls, and takes mask-response: false', async () => {
    await expectRefused(
      { ...Many, calls: Suite, 'mask-response': 'true' },
      'mask-response',
      'mask-response is for a single call and cannot go with calls: many calls do not register their answers as secrets. ' +
        'Run a call whose answer must be masked in a step of its own (without calls).'
    )
    await expectRefused(
      { ...Many, 'calls-file': 'c.jsonl', 'mask-response': 'TRUE' },
      'mask-response',
      /^mask-response is for a single call and cannot go with calls-file: /
    )
    const settings = await read({
      ...Many,
      'service-name': 'G/S/O',
      calls: Suite,
      'mask-response': 'false'
    })
    expect(settings).toMatchObject({ maskResponse: false, many: { concurrency: 4 } })
  })

  it.each(['0', '33', 'four', '-1'])('refuses concurrency %j', async concurrency => {
    await expectRefused(
      { ...Many, calls: Suite, concurrency },
      'concurrency',
      `Invalid concurrency '${concurrency}'. Expected a whole number from 1 to 32.`
    )
  })

  it('takes concurrency 1 and 32, and resolves results-file like response-file', async () => {
    const env = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/runner/_temp' }
    const Many: Inputs = { url: Url, token: Token, 'service-name': 'G/S/O' }
    const one = await read(
      { ...Many, calls: Suite, concurrency: '1', 'results-file': 'out/r.jsonl' },
      env
    )
    expect(one.many).toMatchObject({ concurrency: 1, resultsFile: '/ws/out/r.jsonl' })
    expect((await read({ ...Many, calls: Suite, concurrency: '32' })).many?.concurrency).toBe(32)
    await expectRefused(
      { ...Many, calls: Suite, 'results-file': '../r.jsonl' },
      'results-file',
      "Invalid results-file '../r.jsonl': it resolves to /r.jsonl, which is not inside GITHUB_WORKSPACE (/ws) or RUNNER_TEMP (/runner/_temp). Give a file path inside the workspace, e.g. out/results.jsonl, or under RUNNER_TEMP.",
      env
    )
  })

  it('refuses results-file for a single call', async () => {
    await expectRefused(
      { ...Base, 'results-file': 'r.jsonl' },
      'results-file',
      'results-file is for many calls in one step: give calls or calls-file too, or use response-file for a single call.'
    )
  })

  it('reads calls-file against GITHUB_WORKSPACE, and refuses one that is missing or a folder', async () => {
    const workspace = path.resolve('__tests__')
    const settings = await read(
      { ...Many, 'service-name': 'G/S/O', 'calls-file': 'unit/inputs.test.ts' },
      { GITHUB_WORKSPACE: workspace }
    )
    expect(settings.many).toMatchObject({
      calls: undefined,
      callsFile: path.join(workspace, 'unit', 'inputs.test.ts'),
      defaults: { serviceName: 'G/S/O' }
    })
    await expectRefused(
      { ...Many, 'calls-file': 'nowhere.jsonl' },
      'calls-file',
      `Invalid calls-file 'nowhere.jsonl': ${path.join(workspace, 'nowhere.jsonl')} does not exist. Expected a JSON Lines file (one call or payload per line), relative to GITHUB_WORKSPACE.`,
      { GITHUB_WORKSPACE: workspace }
    )
    await expectRefused(
      { ...Many, 'calls-file': 'unit' },
      'calls-file',
      /^Invalid calls-file 'unit': .* is not a file\./,
      { GITHUB_WORKSPACE: workspace }
    )
  })

  it('leaves many undefined for a single call', async () => {
    expect((await read(Base)).many).toBeUndefined()
  })

  describe('calls-file-format', () => {
    const workspace = path.resolve('__tests__')
    const env = { GITHUB_WORKSPACE: workspace }
    const File: Inputs = { ...Many, 'calls-file': 'unit/inputs.test.ts' }

    it('is payloads by default with service-name, calls without, and takes either when given', async () => {
      const format = async (inputs: Inputs): Promise<string | undefined> =>
        (await read(inputs, env)).many?.callsFileFormat
      expect(await format({ ...File, 'service-name': 'G/S/O' })).toBe('payloads')
      expect(await format(File)).toBe('calls')
      expect(await format({ ...File, 'service-name': 'G/S/O', 'calls-file-format': 'calls' })).toBe(
        'calls'
      )
      expect(
        await format({ ...File, 'service-name': 'G/S/O', 'calls-file-format': 'Payloads' })
      ).toBe('payloads')
    })

    it('refuses another word, payloads without service-name, and the input without calls-file', async () => {
      await expectRefused(
        { ...File, 'service-name': 'G/S/O', 'calls-file-format': 'lines' },
        'calls-file-format',
        "Invalid calls-file-format 'lines'. Expected payloads (every line is a payload for service-name) or calls (every line is a call object).",
        env
      )
      await expectRefused(
        { ...File, 'calls-file-format': 'payloads' },
        'calls-file-format',
        "calls-file-format: payloads sends every line to the step's service-name: give service-name, or use calls-file-format: calls.",
        env
      )
      await expectRefused(
        { ...Many, 'service-name': 'G/S/O', calls: Suite, 'calls-file-format': 'calls' },
        'calls-file-format',
        'calls-file-format says what the lines of calls-file are: give calls-file, or leave calls-file-format out.'
      )
      await expectRefused(
        { ...Base, 'calls-file-format': 'payloads' },
        'calls-file-format',
        'calls-file-format says what the lines of calls-file are: give calls-file too, or leave calls-file-format out.'
      )
    })
  })

  describe('files that would eat each other, and calls-file outside the workspace', () => {
    let dir: string
    let workspace: string
    let env: Record<string, string>
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'inputs-files-'))
      workspace = path.join(dir, 'ws')
      await mkdir(path.join(workspace, 'data'), { recursive: true })
      await mkdir(path.join(dir, 'temp'))
      await writeFile(path.join(workspace, 'data', 'calls.jsonl'), '{"a":1}\n')
      await writeFile(path.join(dir, 'outside.jsonl'), '{"a":1}\n')
      await symlink(path.join(workspace, 'data', 'calls.jsonl'), path.join(workspace, 'out.jsonl'))
      await link(path.join(workspace, 'data', 'calls.jsonl'), path.join(workspace, 'hard.jsonl'))
      await symlink(path.join(workspace, 'data'), path.join(workspace, 'folder-link'))
      await symlink(path.join(dir, 'outside.jsonl'), path.join(workspace, 'escape.jsonl'))
      env = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: path.join(dir, 'temp') }
    })
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true })
    })
    const Files: Inputs = { url: Url, token: Token, 'service-name': 'G/S/O' }

    it.each([
      ['the same path', 'data/calls.jsonl'],
      ['a link to it', 'out.jsonl'],
      ['a hard link to it', 'hard.jsonl'],
      ['the same file through a folder link', 'folder-link/calls.jsonl']
    ])(
      'refuses results-file naming calls-file by %s, naming both, and leaves the file as it was',
      async (_, results) => {
        await expectRefused(
          { ...Files, 'calls-file': 'data/calls.jsonl', 'results-file': results },
          'results-file',
          `Invalid results-file: ${path.join(workspace, results)} is the same file as calls-file (${path.join(workspace, 'data', 'calls.jsonl')}), which writing it would destroy. Give results-file a path of its own, e.g. out/results.jsonl.`,
          env
        )
        await expect(readFile(path.join(workspace, 'data', 'calls.jsonl'), 'utf8')).resolves.toBe(
          '{"a":1}\n'
        )
      }
    )

    it('refuses a response-file or results-file that is the payload-file, naming both', async () => {
      await writeFile(path.join(workspace, 'data', 'payload.json'), '{"_id":1}')
      const payload = path.join(workspace, 'data', 'payload.json')
      await expectRefused(
        { ...Files, 'payload-file': 'data/payload.json', 'response-file': 'data/payload.json' },
        'response-file',
        `Invalid response-file: ${payload} is the same file as payload-file (${payload}), which writing it would destroy. Give response-file a path of its own, e.g. out/response.json.`,
        env
      )
      const calls = '- payload-file: data/payload.json\n- payload-file: data/payload.json'
      for (const many of [
        { 'calls-file': 'data/calls.jsonl', 'payload-file': 'data/payload.json' },
        { calls }
      ]) {
        await expectRefused(
          { ...Files, ...many, 'results-file': 'data/payload.json' },
          'results-file',
          `Invalid results-file: ${payload} is the same file as payload-file (${payload}), which writing it would destroy. Give results-file a path of its own, e.g. out/results.jsonl.`,
          env
        )
      }
      await expect(readFile(payload, 'utf8')).resolves.toBe('{"_id":1}')
      // Two calls may send one payload-file.
      await expect(read({ ...Files, calls }, env)).resolves.toMatchObject({
        many: { calls: [expect.anything(), expect.anything()] }
      })
    })

    it('takes a results-file of its own beside calls-file (control)', async () => {
      const settings = await read(
        { ...Files, 'calls-file': 'data/calls.jsonl', 'results-file': 'data/results.jsonl' },
        env
      )
      expect(settings.many?.resultsFile).toBe(path.join(workspace, 'data', 'results.jsonl'))
    })

    it('refuses a calls-file outside GITHUB_WORKSPACE and RUNNER_TEMP, or a link leading there', async () => {
      await expectRefused(
        { ...Files, 'calls-file': path.join(dir, 'outside.jsonl') },
        'calls-file',
        `Invalid calls-file '${path.join(dir, 'outside.jsonl')}': it resolves to ${path.join(dir, 'outside.jsonl')}, which is not inside GITHUB_WORKSPACE (${workspace}) or RUNNER_TEMP (${path.join(dir, 'temp')}). Put the file in the workspace or under RUNNER_TEMP.`,
        env
      )
      await expectRefused(
        { ...Files, 'calls-file': 'escape.jsonl' },
        'calls-file',
        `Invalid calls-file 'escape.jsonl': ${path.join(workspace, 'escape.jsonl')} (a link to ${path.join(dir, 'outside.jsonl')}) is not inside GITHUB_WORKSPACE (${workspace}) or RUNNER_TEMP (${path.join(dir, 'temp')}). Put the file in the workspace or under RUNNER_TEMP.`,
        env
      )
    })
  })
})
