import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import * as actualCore from '@actions/core'
import fc from 'fast-check'
import * as core from '../../__fixtures__/core.js'
import {
  clearInputs,
  InputNames,
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

const Url = 'https://contoso.operations.dynamics.com'
const Token = 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl'
/** A valid call with a given token. */
const WithToken: Inputs = { 'service-name': 'G/S/O', url: Url, token: Token }
/** A valid call whose token comes from Entra ID, so authority-host is read. */
const WithSecret: Inputs = {
  'service-name': 'G/S/O',
  url: Url,
  tenant: 'contoso.onmicrosoft.com',
  'client-id': '00000000-1111-2222-3333-444444444444',
  'client-secret': 'client-secret-value'
}

/** Valid values of each varied input, to be spoiled by a prefix or suffix. */
const Examples: Record<string, readonly string[]> = {
  'service-name': [
    'G/S/O',
    'G',
    'G/S',
    '/',
    'UserSessionService/AifUserSessionService/GetUserSessionInfo'
  ],
  'retry-timeout': ['00:05:00', '23:59:59', '00:00:00'],
  'throttle-seed': ['0', '30', '86400'],
  'timeout-sec': ['0', '120', '86400'],
  'payload-charset': ['UTF-8', 'windows-1252', 'UTF-16', 'ASCII', 'utf-32'],
  url: [Url, 'http://localhost:8080', 'https://x.hr.talent.dynamics.com/namespaces/abc/'],
  'system-url': [Url, 'http://127.0.0.1:3000/', 'https://x.hr.talent.dynamics.com/namespaces/abc'],
  'authority-host': ['https://login.microsoftonline.com', 'https://login.microsoftonline.us'],
  method: ['auto', 'GET', 'POST', 'post'],
  token: [Token, `Bearer ${Token}`],
  payload: ['{"a":1}', '[]', '"x"', ''],
  'retry-on': ['429', 'unavailable, network', 'network'],
  'success-when': ['Result', 'Result == `true`', "InfoMessages[?Type=='Error']"],
  'fail-when': ["Status == 'Failed'", 'length(Errors) > `0`'],
  until: ["Status == 'Succeeded'", 'Done'],
  'poll-interval': ['1', '10', '3600'],
  'poll-timeout': ['00:30:00', '00:00:00', '23:59:59']
}

/** Pieces that have broken URL, header and path handling elsewhere. */
const Nasty = fc.constantFrom(
  '\r\n',
  '\n',
  '\r',
  '\t',
  ' ',
  '\u00a0',
  '\u200b',
  '\u0000',
  '%',
  '%2e%2e',
  '%2E%2E/',
  '%2F',
  '%0d%0a',
  '../',
  '..',
  './',
  '/',
  '//',
  '\\',
  '?',
  '#',
  '@',
  ':',
  ';',
  ',',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  '\u0410', // Cyrillic А
  '\u043e', // Cyrillic о
  '\uff0f', // fullwidth solidus
  '\u2215', // division slash
  '\uff0e', // fullwidth full stop
  '\u017f', // long s, upper-cases to S
  '\u0130', // dotted capital I
  '\u0131', // dotless i
  '\ud800', // lone surrogate
  '😀',
  '€',
  'æ',
  'Bearer ',
  'https://',
  'http://localhost',
  'G',
  'S',
  'O',
  'utf-8',
  '00',
  '23',
  '59',
  '60',
  '-',
  '+',
  '.',
  '0',
  '9',
  'e3',
  'null',
  'true'
)

const joined = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(Nasty, { minLength: min, maxLength: max }).map(pieces => pieces.join(''))

/** A string of any code points, nasty pieces, or a very long repetition (up to 100 kB). */
const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 4, arbitrary: joined(0, 12) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(joined(1, 4), fc.integer({ min: 1_000, max: 100_000 }))
      .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length))
  }
)

/** Arbitrary text, or a valid value of `name` spoiled at either end. */
function valueFor(name: string): fc.Arbitrary<string> {
  const examples = fc.constantFrom(...Examples[name])
  const variants = [
    anyText,
    fc.tuple(examples, anyText).map(([valid, text]) => valid + text),
    fc.tuple(anyText, examples).map(([text, valid]) => text + valid),
    examples
  ]
  if (name === 'payload') {
    variants.push(
      fc.json(),
      fc.string({ unit: 'binary' }).map(text => JSON.stringify({ text }))
    )
  }
  return fc.oneof(...variants)
}

let readSettings: typeof import('../../src/inputs/inputs.js').readSettings
let InputError: typeof import('../../src/common/errors.js').InputError

beforeAll(async () => {
  ;({ readSettings } = await import('../../src/inputs/inputs.js'))
  ;({ InputError } = await import('../../src/common/errors.js'))
})

afterAll(clearInputs)

type Outcome = { settings: Settings } | { error: unknown }

/** readSettings' result or what it rejected with; the property branches on which. */
async function outcome(values: Inputs): Promise<Outcome> {
  setInputs(values)
  try {
    return { settings: await readSettings({}) }
  } catch (error) {
    return { error }
  }
}

const ServiceName = /^(\/|[A-Za-z0-9_]+(\/[A-Za-z0-9_]+){0,2})$/

/**
 * Every promise Settings makes, whatever the inputs were. `systemUrl` is the expected system URL
 * when url and system-url were left valid.
 */
function expectValid(settings: Settings, systemUrlGiven: string | undefined): void {
  expect(Object.isFrozen(settings)).toBe(true)
  expect(settings.serviceName).toMatch(ServiceName)

  const suffix =
    settings.serviceName === '/' ? '/api/services' : `/api/services/${settings.serviceName}`
  expect(settings.serviceUrl.endsWith(suffix)).toBe(true)
  const systemUrl = settings.serviceUrl.slice(0, -suffix.length)
  expect(settings.serviceUrl).not.toMatch(/[?#\s]/)
  expect(suffix).not.toMatch(/\.\.|%/)
  if (systemUrlGiven !== undefined) expect(systemUrl).toBe(systemUrlGiven)

  // An arbitrary url or system-url is the user's own environment, as WHATWG URL serializes it
  // (which drops CR, LF and tabs and leaves a stray % as it is).
  const parsed = new URL(systemUrl)
  expect(parsed.protocol === 'https:' || parsed.protocol === 'http:').toBe(true)
  expect({ username: parsed.username, password: parsed.password, search: parsed.search }).toEqual({
    username: '',
    password: '',
    search: ''
  })
  expect(`${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '')).toBe(systemUrl)
  expect(parsed.pathname.split('/')).not.toContain('..')
  // An endpoint is not an environment: /api/services or /data would double the path.
  expect(parsed.pathname.toLowerCase().split('/')).not.toContain('data')
  expect(parsed.pathname.toLowerCase()).not.toMatch(/\/api\/services(\/|$)/)
  if (parsed.protocol === 'http:') {
    expect(parsed.hostname).toMatch(/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/)
  }

  expect(settings.method === 'GET' || settings.method === 'POST').toBe(true)
  if (settings.method === 'GET') expect(settings.body).toBeUndefined()
  else expect(Buffer.isBuffer(settings.body)).toBe(true)
  if (settings.contentType !== undefined) {
    expect(settings.contentType).toMatch(/^application\/json;charset=[a-z0-9][a-z0-9._:+-]*$/)
  }

  expect(Number.isInteger(settings.retryTimeoutMs / 1_000)).toBe(true)
  expect(settings.retryTimeoutMs).toBeGreaterThanOrEqual(0)
  expect(settings.retryTimeoutMs).toBeLessThanOrEqual(86_399_000)
  expect(Number.isInteger(settings.throttleSeed)).toBe(true)
  expect(settings.throttleSeed).toBeGreaterThanOrEqual(0)
  expect(settings.throttleSeed).toBeLessThanOrEqual(86_400)
  expect(Number.isInteger(settings.timeoutMs / 1_000)).toBe(true)
  expect(settings.timeoutMs).toBeGreaterThanOrEqual(0)
  expect(settings.timeoutMs).toBeLessThanOrEqual(86_400_000)

  expect(settings.metadataOnly).toBe(
    settings.method === 'GET' && settings.serviceName.split('/').length === 3
  )
  expect(Object.isFrozen(settings.retryOn)).toBe(true)
  expect(typeof settings.retryOn.unavailable).toBe('boolean')
  expect(typeof settings.retryOn.network).toBe('boolean')
  for (const expression of [settings.successWhen, settings.failWhen, settings.poll?.until]) {
    if (expression !== undefined) expect(expression.length).toBeLessThanOrEqual(2000)
    if (expression !== undefined) expect(expression).not.toBe('')
  }
  if (settings.poll !== undefined) {
    expect(Object.isFrozen(settings.poll)).toBe(true)
    expect(Number.isInteger(settings.poll.intervalMs / 1_000)).toBe(true)
    expect(settings.poll.intervalMs).toBeGreaterThanOrEqual(1_000)
    expect(settings.poll.intervalMs).toBeLessThanOrEqual(3_600_000)
    expect(Number.isInteger(settings.poll.timeoutMs / 1_000)).toBe(true)
    expect(settings.poll.timeoutMs).toBeGreaterThanOrEqual(0)
    expect(settings.poll.timeoutMs).toBeLessThanOrEqual(86_399_000)
  }

  if (settings.credential.kind === 'token') {
    expect(settings.credential.token).toMatch(/^[\x21-\x7e]+$/)
  } else {
    expect(settings.credential.app.authorityHost).toMatch(/^https:\/\/[^/?#\s]+$/)
  }
}

/** Valid Settings, or an InputError naming one of the action's inputs; nothing else. */
async function expectValidOrInputError(values: Inputs): Promise<void> {
  const result = await outcome(values)
  if ('settings' in result) {
    const urlsValid = values.url === Url && values['system-url'] === undefined
    expectValid(result.settings, urlsValid ? Url : undefined)
  } else {
    expect(result.error).toBeInstanceOf(InputError)
    expect(InputNames).toContain((result.error as InstanceType<typeof InputError>).input)
    expect((result.error as Error).message).not.toBe('')
  }
}

const Varied = [
  'service-name',
  'retry-timeout',
  'throttle-seed',
  'timeout-sec',
  'payload-charset',
  'url',
  'system-url',
  'authority-host',
  'method',
  'token',
  'payload',
  'retry-on',
  'success-when',
  'fail-when',
  'until',
  'poll-interval',
  'poll-timeout'
] as const

describe('readSettings, for arbitrary input text', () => {
  it.each(Varied)('gives valid settings or an InputError for any %s', async name => {
    const base = name === 'authority-host' ? WithSecret : WithToken
    await fc.assert(
      fc.asyncProperty(valueFor(name), async value => {
        await expectValidOrInputError({ ...base, [name]: value })
      }),
      { numRuns: 150 }
    )
  })

  it('gives valid settings or an InputError when every input is arbitrary at once', async () => {
    const someInputs = fc.record(
      Object.fromEntries(Varied.map(name => [name, valueFor(name)])) as Record<
        (typeof Varied)[number],
        fc.Arbitrary<string>
      >,
      { requiredKeys: [] }
    )
    await fc.assert(
      fc.asyncProperty(someInputs, fc.boolean(), async (values, entra) => {
        const base = entra ? { ...WithSecret } : { ...WithToken }
        await expectValidOrInputError({ ...base, ...values })
      }),
      { numRuns: 300 }
    )
  })
})
