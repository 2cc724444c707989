import { describe, expect, it } from '@jest/globals'
import { decideRetry } from '../../src/retry-policy.js'

const start = 1_000_000

describe('decideRetry', () => {
  it('waits 10 s when Retry-After is missing', () => {
    expect(decideRetry(undefined, start, start, 60_000)).toEqual({
      defaulted: true,
      retry: true,
      waitMs: 10_000,
      leftMs: 60_000
    })
  })

  it('waits 10 s when Retry-After is unreadable', () => {
    expect(decideRetry('later', start, start, 0)).toEqual({
      defaulted: true,
      retry: true,
      waitMs: 10_000,
      leftMs: undefined
    })
  })

  it('always retries with no budget (0), however long the wait', () => {
    expect(decideRetry('86400', start, start + 10 * 86_400_000, 0)).toEqual({
      defaulted: false,
      retry: true,
      waitMs: 86_400_000,
      leftMs: undefined
    })
  })

  it('retries when the wait ends exactly at the deadline', () => {
    expect(decideRetry('5', start, start + 55_000, 60_000)).toEqual({
      defaulted: false,
      retry: true,
      waitMs: 5_000,
      leftMs: 5_000
    })
  })

  it('gives up at once when the wait would end one ms past the deadline', () => {
    expect(decideRetry('5', start, start + 55_001, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      waitMs: 5_000,
      leftMs: 4_999
    })
  })

  it('gives up on a huge Retry-After', () => {
    expect(decideRetry('99999999', start, start, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      waitMs: 99_999_999_000,
      leftMs: 60_000
    })
  })

  it('counts nothing left once the deadline has passed', () => {
    expect(decideRetry('1', start, start + 61_000, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      waitMs: 1_000,
      leftMs: 0
    })
  })

  it('retries a past HTTP-date at once, even with nothing left', () => {
    const now = Date.parse('2025-06-01T12:00:00Z')
    expect(decideRetry('Sun, 01 Jun 2025 11:00:00 GMT', now - 60_000, now, 60_000)).toEqual({
      defaulted: false,
      retry: true,
      waitMs: 0,
      leftMs: 0
    })
  })
})
