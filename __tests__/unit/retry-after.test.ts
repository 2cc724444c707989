import { describe, expect, it } from '@jest/globals'
import { MaxRetryAfterMs, parseRetryAfter } from '../../src/transport/retry-after.js'

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
    ['the longest exact value', '999999999', 999_999_999_000],
    ['leading zeros', '0000000000005', 5_000],
    ['one digit more than the longest', '1000000000', MaxRetryAfterMs],
    ['beyond a 32-bit timer (24.9 days)', '2147484', 2_147_484_000],
    ['a digit string beyond any number', '9'.repeat(400), MaxRetryAfterMs],
    ['a date in the year 275760', 'Sat, 13 Sep 275760 00:00:00 GMT', MaxRetryAfterMs]
  ])('reads %s as a finite wait, at most the longest', (_what, value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })

  it('reads a date a century ahead as the longest wait, not as a timer overflow', () => {
    const ms = parseRetryAfter('Fri, 01 Jun 2125 12:00:00 GMT', now)
    expect(ms).toBe(MaxRetryAfterMs)
    expect(Number.isFinite(ms)).toBe(true)
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
