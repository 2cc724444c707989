import { describe, expect, it } from '@jest/globals'
import { entraErrorText, errorDescriptionOf } from '../../src/sign-in/entra-error.js'

const description =
  "AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID.\r\n" +
  'Trace ID: 0d1e2f30-0000-0000-0000-000000000000\r\nCorrelation ID: 1\r\nTimestamp: 2025-06-01 12:00:00Z'

describe('entraErrorText', () => {
  it("keeps Entra's code and description, without the trace lines", () => {
    expect(entraErrorText(description)).toBe(
      "AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID."
    )
  })

  it('finds it inside a message on one line, stopping at Trace ID', () => {
    expect(
      entraErrorText(`GET https://h/t failed: HTTP 400 — ${description.replace(/\r\n/g, ' ')}`)
    ).toBe(
      "AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID."
    )
  })

  it('searches only the first 8 KiB of untrusted text', () => {
    expect(entraErrorText(`${' '.repeat(9000)}AADSTS90002: late`)).toBeUndefined()
    expect(entraErrorText(undefined)).toBeUndefined()
    expect(entraErrorText('invalid_tenant')).toBeUndefined()
  })
})

describe('errorDescriptionOf', () => {
  it.each([
    [{ error: 'invalid_tenant', error_description: 'AADSTS90002: x' }, 'AADSTS90002: x'],
    [{ error: 'invalid_tenant' }, undefined],
    [{ error_description: 42 }, undefined],
    ['AADSTS90002: x', undefined],
    [null, undefined]
  ])('%j → %j', (body, expected) => {
    expect(errorDescriptionOf(body)).toBe(expected)
  })
})
