import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  decideRetry,
  describeCap,
  describeGiveUp,
  MaxUnlimitedWaitMs,
  MinRetryWaitMs,
  type RetryDecision
} from '../../src/transport/retry-policy.js'

const start = 1_000_000
/** The longest delay a Node timer accepts; anything longer fires after 1 ms. */
const MaxTimerMs = 2_147_483_647

describe('decideRetry', () => {
  it('waits 10 s when Retry-After is missing', () => {
    expect(decideRetry(undefined, start, start, 60_000)).toEqual({
      defaulted: true,
      retry: true,
      askedMs: 10_000,
      waitMs: 10_000,
      leftMs: 60_000,
      capped: false
    })
  })

  it('waits 10 s when Retry-After is unreadable', () => {
    expect(decideRetry('later', start, start, 0)).toEqual({
      defaulted: true,
      retry: true,
      askedMs: 10_000,
      waitMs: 10_000,
      leftMs: undefined,
      capped: false
    })
  })

  it('retries when the wait ends exactly at the deadline', () => {
    expect(decideRetry('5', start, start + 55_000, 60_000)).toEqual({
      defaulted: false,
      retry: true,
      askedMs: 5_000,
      waitMs: 5_000,
      leftMs: 5_000,
      capped: false
    })
  })

  it('gives up at once when the wait would end one ms past the deadline', () => {
    expect(decideRetry('5', start, start + 55_001, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      askedMs: 5_000,
      waitMs: 5_000,
      leftMs: 4_999
    })
  })

  it('gives up on a huge Retry-After', () => {
    expect(decideRetry('99999999', start, start, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      askedMs: 99_999_999_000,
      waitMs: 99_999_999_000,
      leftMs: 60_000
    })
  })

  it('counts nothing left once the deadline has passed', () => {
    expect(decideRetry('1', start, start + 61_000, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      askedMs: 1_000,
      waitMs: 1_000,
      leftMs: 0
    })
  })
})

describe('decideRetry: the shortest wait is 1 s', () => {
  it.each([
    ['0', '0'],
    ['a past HTTP-date', 'Sun, 01 Jun 2025 11:00:00 GMT']
  ])('waits 1 s when Retry-After is %s', (_what, value) => {
    const now = Date.parse('2025-06-01T12:00:00Z')
    expect(decideRetry(value, now, now, 60_000)).toEqual({
      defaulted: false,
      retry: true,
      askedMs: 0,
      waitMs: MinRetryWaitMs,
      leftMs: 60_000,
      capped: false
    })
  })

  it('waits 1 s for Retry-After 0 with no retry-timeout too', () => {
    expect(decideRetry('0', start, start, 0)).toMatchObject({ retry: true, waitMs: 1_000 })
  })

  it('gives up when less than 1 s is left, even for Retry-After 0', () => {
    expect(decideRetry('0', start, start + 59_500, 60_000)).toEqual({
      defaulted: false,
      retry: false,
      askedMs: 0,
      waitMs: 1_000,
      leftMs: 500
    })
  })
})

describe('decideRetry: no retry-timeout (0) caps each wait at 5 minutes', () => {
  it('always retries, however long the wait, but waits 5 minutes at most', () => {
    expect(decideRetry('86400', start, start + 10 * 86_400_000, 0)).toEqual({
      defaulted: false,
      retry: true,
      askedMs: 86_400_000,
      waitMs: MaxUnlimitedWaitMs,
      leftMs: undefined,
      capped: true
    })
  })

  it('waits exactly 5 minutes uncapped', () => {
    expect(decideRetry('300', start, start, 0)).toMatchObject({ waitMs: 300_000, capped: false })
  })

  it('caps a digit string beyond any number and a far-future date', () => {
    expect(decideRetry('9'.repeat(400), start, start, 0)).toMatchObject({
      waitMs: 300_000,
      capped: true
    })
    expect(decideRetry('Sat, 13 Sep 275760 00:00:00 GMT', start, start, 0)).toMatchObject({
      waitMs: 300_000,
      capped: true
    })
  })
})

describe('decideRetry: every wait fits a timer', () => {
  const retryAfter = fc.oneof(
    fc.stringMatching(/^\d{1,40}$/),
    fc
      .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
      .map(date => date.toUTCString()),
    fc.string()
  )

  it('waits between 1 s and 2^31-1 ms, and never past the deadline', () => {
    fc.assert(
      fc.property(
        retryAfter,
        fc.integer({ min: 0, max: 86_399_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (value, budgetMs, elapsedMs) => {
          const decision = decideRetry(value, start, start + elapsedMs, budgetMs)
          expect(Number.isFinite(decision.askedMs)).toBe(true)
          expect(decision.waitMs).toBeGreaterThanOrEqual(MinRetryWaitMs)
          if (!decision.retry) return
          expect(decision.waitMs).toBeLessThanOrEqual(MaxTimerMs)
          if (budgetMs === 0) expect(decision.waitMs).toBeLessThanOrEqual(MaxUnlimitedWaitMs)
          else expect(start + elapsedMs + decision.waitMs).toBeLessThanOrEqual(start + budgetMs)
        }
      ),
      { numRuns: 2_000 }
    )
  })
})

describe('describeGiveUp', () => {
  const giveUp = (decision: RetryDecision): string =>
    describeGiveUp(decision as RetryDecision & { retry: false })

  it('names what Retry-After asks and what is left', () => {
    expect(giveUp(decideRetry('90', start, start + 47_500, 60_000))).toBe(
      'Retry-After asks for 90 s but retry-timeout leaves 12.5 s'
    )
  })

  it('names the 10 s default when Retry-After is unreadable', () => {
    expect(giveUp(decideRetry('soon', start, start, 5_000))).toBe(
      'no readable Retry-After, so the wait would be the default 10 s, but retry-timeout leaves 5 s'
    )
  })

  it('names the 1 s floor when Retry-After asks for less', () => {
    expect(giveUp(decideRetry('0', start, start + 59_500, 60_000))).toBe(
      'Retry-After asks for 0 s, and the shortest wait is 1 s, but retry-timeout leaves 0.5 s'
    )
  })

  it('says "at least" for a value beyond the longest Retry-After', () => {
    expect(giveUp(decideRetry('9'.repeat(30), start, start, 60_000))).toBe(
      'Retry-After asks for at least 999999999 s but retry-timeout leaves 60 s'
    )
  })
})

describe('describeCap', () => {
  it('says when a wait was cut to 5 minutes', () => {
    expect(describeCap(decideRetry('86400', start, start, 0))).toBe(
      '; Retry-After asks for 86400 s: each wait is capped at 300 s when retry-timeout is 00:00:00'
    )
  })

  it('is empty when nothing was cut', () => {
    expect(describeCap(decideRetry('300', start, start, 0))).toBe('')
    expect(describeCap(decideRetry('86400', start, start, 60_000))).toBe('')
  })
})
