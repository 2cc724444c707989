import { describe, expect, it } from '@jest/globals'
import { parseRetryAfter } from '../../src/retry-after.js'

const now = Date.parse('2025-06-01T12:00:00Z')

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 5 ', 5_000]
  ])('reads delta-seconds %j as %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })

  it('reads a future HTTP-date as the time until then', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000)
  })

  it('reads a past HTTP-date as no wait', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:59:00 GMT', now)).toBe(0)
  })

  it('reads the HTTP-date at exactly now as no wait', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:00 GMT', now)).toBe(0)
  })

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['signed', '+5'],
    ['a word', 'soon'],
    ['a date without weekday', '01 Jun 2025 12:00:30 GMT'],
    ['a date without GMT', 'Sun, 01 Jun 2025 12:00:30'],
    ['an ISO date', '2025-06-01T12:00:30Z'],
    ['an impossible date', 'Sun, 99 Foo 2025 12:00:30 GMT']
  ])('gives undefined for %s', (_what, value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})
