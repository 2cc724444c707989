import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { maskResponse, maskSecret, scrub, scrubAndCut } = await import('../../src/common/secrets.js')

// The module remembers every secret for the life of the process, so each test uses its own values.
describe('maskSecret', () => {
  beforeEach(() => {
    jest.resetAllMocks()
  })

  it('registers a one-line secret with the runner', () => {
    maskSecret('s3cr3t-value-one')
    expect(core.setSecret.mock.calls).toEqual([['s3cr3t-value-one']])
  })

  it('registers each line of a multi-line secret, trimmed', () => {
    maskSecret('-----BEGIN KEY-----\r\n  line-two-abc  \nline-three-abc\n')
    expect(core.setSecret.mock.calls).toEqual([
      ['-----BEGIN KEY-----'],
      ['line-two-abc'],
      ['line-three-abc']
    ])
  })

  it('skips lines shorter than 3 characters, which would mask ordinary log text', () => {
    maskSecret('ab\n==\nx\nabc-line-kept')
    expect(core.setSecret.mock.calls).toEqual([['abc-line-kept']])
  })

  it('does nothing for an empty or missing value', () => {
    maskSecret('')
    maskSecret(undefined)
    expect(core.setSecret).not.toHaveBeenCalled()
  })

  it('registers a value once', () => {
    maskSecret('registered-once-xyz')
    maskSecret('registered-once-xyz')
    expect(core.setSecret).toHaveBeenCalledTimes(1)
  })
})

describe('scrub', () => {
  it('replaces a registered secret', () => {
    maskSecret('hunter2-plain')
    expect(scrub('password hunter2-plain was rejected; hunter2-plain')).toBe(
      'password *** was rejected; ***'
    )
  })

  it('replaces the URL-encoded form of a secret', () => {
    maskSecret('p@ss/w0rd+&=')
    expect(scrub('client_secret=p%40ss%2Fw0rd%2B%26%3D&grant_type=client_credentials')).toBe(
      'client_secret=***&grant_type=client_credentials'
    )
  })

  it('replaces each line of a multi-line secret', () => {
    maskSecret('first-line-secret\nsecond-line-secret')
    expect(scrub('saw second-line-secret')).toBe('saw ***')
  })

  it('replaces the longer of two overlapping secrets whole', () => {
    maskSecret('overlap-abc')
    maskSecret('overlap-abc-def')
    expect(scrub('got overlap-abc-def')).toBe('got ***')
  })

  it('leaves text without secrets alone', () => {
    expect(scrub('GET https://h/api/services/G failed: HTTP 404')).toBe(
      'GET https://h/api/services/G failed: HTTP 404'
    )
  })
})

describe('scrub, for the forms a server echoes a secret in', () => {
  // An Entra client secret has '~' and '.', which form encoding writes differently from MSAL.
  const secret = 'Qx8~echo.Form_Secret-value+1 a/b'
  maskSecret(secret)

  it.each([
    ['URL-encoded', encodeURIComponent(secret)],
    [
      'URL-encoded, lower-case hex',
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, h => h.toLowerCase())
    ],
    ['form-encoded (+ for space)', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['HTML-escaped', secret.replace(/&/g, '&amp;').replace(/</g, '&lt;')],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)]
  ])('replaces it %s', (_form, echoed) => {
    expect(scrub(`client_secret=${echoed}&x=1`)).toBe('client_secret=***&x=1')
  })

  describe('a secret with a quote, a backslash, a line break and non-ASCII letters', () => {
    // Each line of a multi-line secret is a secret of its own; each has characters JSON escapes.
    const lines = ['Pa"ss\\wörd-first-line', 'zweite"Zeile\\ü-€']
    maskSecret(lines.join('\n'))
    const hex = (char: string, upper: boolean): string => {
      const code = char.charCodeAt(0).toString(16).padStart(4, '0')
      return `\\u${upper ? code.toUpperCase() : code}`
    }

    it.each([
      ['as JavaScript and Json.NET write it', (s: string) => JSON.stringify(s)],
      [
        "as Python's ensure_ascii writes it",
        (s: string) => JSON.stringify(s).replace(/[^ -\u007f]/g, char => hex(char, false))
      ],
      [
        "as System.Text.Json's default encoder writes it",
        (s: string) =>
          `"${[...s]
            .map(char =>
              char === '\n'
                ? '\\n'
                : char === '\\'
                  ? '\\\\'
                  : /[^ -\u007f]|["&'+<>`]/.test(char)
                    ? hex(char, true)
                    : char
            )
            .join('')}"`
      ]
    ])('replaces it inside a JSON string, %s', (_form, write) => {
      const echoed = `{"message":${write(lines.join('\n'))}}`
      const scrubbed = scrub(echoed)
      expect(scrubbed).toMatch(/^\{"message":"\*\*\*\\(n|u000A)\*\*\*"\}$/)
    })
  })

  it('replaces it in base64 text, at each of the three byte alignments', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = Buffer.from(`${prefix}${secret}`).toString('base64')
      const scrubbed = scrub(`Basic ${encoded}`)
      expect(scrubbed).toContain('***')
      // What is left cannot be decoded back to the secret, or to most of it.
      const left = Buffer.from(
        scrubbed.replace('Basic ', '').replace('***', ''),
        'base64'
      ).toString()
      expect(left).not.toContain(secret.slice(0, 8))
    }
  })

  it('replaces it in URL-safe base64', () => {
    const encoded = Buffer.from(`xx${secret}`).toString('base64url')
    expect(scrub(encoded)).toContain('***')
  })

  it('replaces an HTML-escaped secret with quotes and angle brackets', () => {
    const html = `p<a>"s'&q-${Date.now()}`
    maskSecret(html)
    for (const form of [
      html
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;'),
      html
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#x27;')
    ]) {
      expect(scrub(`<p>${form}</p>`)).toBe('<p>***</p>')
    }
  })
})

describe('scrubAndCut', () => {
  const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.cut-token-payload.signature-part-0123456789'
  maskSecret(token)

  it('scrubs before it cuts: an echoed token straddling the cut leaves nothing behind', () => {
    const text = `${'x'.repeat(280)} Bearer ${token} and more text after it`
    const cut = scrubAndCut(text, 300)
    expect(cut).toBe(`${'x'.repeat(280)} Bearer *** and mor…`)
  })

  it('scrubs a beginning of a secret that the cut leaves at the end', () => {
    // Scrubbing the whole text would find no complete token: the text stops inside it.
    const text = `${'x'.repeat(280)} ${token.slice(0, 60)}`
    const cut = scrubAndCut(text, 300)
    expect(cut).toBe(`${'x'.repeat(280)} ***…`)
    for (let length = 3; length <= 60; length++) {
      expect(
        scrubAndCut(
          `${'y'.repeat(250)} ${token.slice(0, length)}${'z'.repeat(100)}`,
          251 + length + 1
        )
      ).not.toContain(token.slice(0, length))
    }
  })

  it('leaves text within the limit whole', () => {
    expect(scrubAndCut('short text', 300)).toBe('short text')
    expect(scrubAndCut('y'.repeat(300), 300)).toBe('y'.repeat(300))
  })

  it('cuts longer text to the limit, ending in …', () => {
    expect(scrubAndCut('y'.repeat(301), 300)).toBe(`${'y'.repeat(299)}…`)
  })

  it('never ends inside a surrogate pair', () => {
    expect(scrubAndCut(`${'y'.repeat(298)}😀😀`, 300)).toBe(`${'y'.repeat(298)}…`)
  })

  it('costs the same for 10 MiB of text as for a few KiB', () => {
    const started = performance.now()
    scrubAndCut('x'.repeat(10 * 1024 * 1024), 300)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('maskResponse', () => {
  beforeEach(() => {
    jest.resetAllMocks()
  })

  it('registers a one-line body as one secret, whatever it holds', () => {
    const body = JSON.stringify({
      value: Array.from({ length: 5000 }, (_, i) => ({ Id: i, Ok: true }))
    })
    expect(maskResponse(body)).toEqual({ registered: 1, skipped: 0 })
    expect(core.setSecret.mock.calls).toEqual([[body]])
  })

  it('registers the distinct lines of 8+ characters of a multi-line body, never `{` or `true,`', () => {
    const body = JSON.stringify({ Name: 'Contoso Europe', Active: true, Items: [1, 2] }, null, 2)
    expect(maskResponse(body)).toEqual({ registered: 3, skipped: 0 })
    expect(core.setSecret.mock.calls).toEqual([
      ['"Name": "Contoso Europe",'],
      ['"Active": true,'],
      ['"Items": [']
    ])
  })

  it('registers at most 100 lines of a long multi-line body and says how many were left out', () => {
    const body = JSON.stringify(
      Array.from({ length: 20_000 }, (_, i) => ({ Line: `value number ${i}`, Flag: true })),
      null,
      2
    )
    // 20,000 distinct lines of `"Line": …` and one `"Flag": true` line; `{`, `},` and `1,` are too short.
    expect(maskResponse(body)).toEqual({ registered: 100, skipped: 19_901 })
    expect(core.setSecret).toHaveBeenCalledTimes(100)
    expect(core.setSecret.mock.calls.flat().every(line => line.length >= 8)).toBe(true)
  })

  it('registers nothing for an empty or tiny body', () => {
    expect(maskResponse('')).toEqual({ registered: 0, skipped: 0 })
    expect(maskResponse(' {} ')).toEqual({ registered: 0, skipped: 0 })
    expect(core.setSecret).not.toHaveBeenCalled()
  })

  it('does not keep the body for scrub', () => {
    maskResponse('{"Answer":"kept-out-of-scrub"}')
    expect(scrub('the answer was kept-out-of-scrub')).toBe('the answer was kept-out-of-scrub')
  })
})
