import { describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { maskSecret } = await import('../../src/common/secrets.js')
const { shownText, shownValue } = await import('../../src/common/shown-value.js')

describe('shownValue and shownText', () => {
  const secret = 'answer-secret-9f8e7d6c'
  maskSecret(secret)

  it('scrub a secret before cutting, so the cut cannot leave a piece of it', () => {
    // The cut at 30 falls inside the secret: cut first, its beginning would stay readable.
    const value = { note: `${'x'.repeat(12)}${secret}` }
    expect(shownValue(value, 30)).toBe('{"note":"xxxxxxxxxxxx***"}')
    expect(shownText(`${'x'.repeat(20)}${secret}${'y'.repeat(50)}`, 30)).toBe(
      `${'x'.repeat(20)}***${'y'.repeat(6)}…`
    )
  })

  it('scrub a secret the cut would split', () => {
    expect(shownText(`${'x'.repeat(20)}${secret}`, 30)).toBe(`${'x'.repeat(20)}***`)
    expect(shownText(`${'x'.repeat(20)}${secret.slice(0, 12)}`, 30)).toBe(`${'x'.repeat(20)}***…`)
  })

  it('keep values short, on one line, and without a runner command', () => {
    expect(shownValue('##[add-mask]x\n::error::y')).toBe('"\\u0023\\u0023[add-mask]x\\n::error::y"')
    expect(shownValue('z'.repeat(500))).toHaveLength(80)
    expect(shownText('a\r\nb\u001b[31m', 40)).toBe('a b')
  })
})

const shownValue200 = (value: unknown): string => shownValue(value, 200)

describe('shownValue as check values show it (200 characters)', () => {
  it('shows short JSON on one line', () => {
    expect(shownValue200('Executing')).toBe('"Executing"')
    expect(shownValue200({ a: [1, 'x\ny'] })).toBe('{"a":[1,"x\\ny"]}')
    expect(shownValue200(undefined)).toBe('null')
  })

  it('cuts at 200 characters', () => {
    const shown = shownValue200('x'.repeat(1000))
    expect(shown).toHaveLength(200)
    expect(shown.endsWith('…')).toBe(true)
  })

  it('writes # as \\u0023, so no ##[command] reaches the runner, and the JSON means the same', () => {
    const shown = shownValue200('##[add-mask]secret')
    expect(shown).not.toContain('##[')
    expect(JSON.parse(shown)).toBe('##[add-mask]secret')
  })

  it('describes a value nested 100,000 deep without overflowing the stack', () => {
    let value: unknown = 'core'
    for (let i = 0; i < 100_000; i++) value = [value]
    const shown = shownValue200(value)
    expect(shown).toBe(`${'['.repeat(199)}…`)
  })
})
