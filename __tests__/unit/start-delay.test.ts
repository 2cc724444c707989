import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { startDelayMs } from '../../src/call/start-delay.js'

const AlmostOne = 1 - Number.EPSILON / 2

describe('startDelayMs', () => {
  it('does not wait for seed 0, whatever the random source says', () => {
    expect(startDelayMs(0, () => 0.5)).toBe(0)
    expect(startDelayMs(0, () => AlmostOne)).toBe(0)
  })

  it.each([1, 2, 10, 86_400])('waits 1 s for seed %d when random gives 0', seed => {
    expect(startDelayMs(seed, () => 0)).toBe(1_000)
  })

  it.each([1, 2, 10, 86_400])('waits %d s at most, when random gives its largest value', seed => {
    expect(startDelayMs(seed, () => AlmostOne)).toBe(seed * 1_000)
  })

  it('spreads the seconds evenly over [1, seed]', () => {
    expect([0, 0.2, 0.4, 0.6, 0.8].map(r => startDelayMs(5, () => r))).toEqual([
      1_000, 2_000, 3_000, 4_000, 5_000
    ])
  })

  it('always waits a whole number of seconds in [1, seed]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 86_400 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (seed, random) => {
          const ms = startDelayMs(seed, () => random)
          return Number.isInteger(ms / 1_000) && ms >= 1_000 && ms <= seed * 1_000
        }
      ),
      { numRuns: 500 }
    )
  })
})
