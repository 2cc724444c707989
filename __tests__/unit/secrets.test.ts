import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { maskSecret, scrub } = await import('../../src/secrets.js')

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
