import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { createThrottleBreaker } from '../../src/many/throttle-breaker.js'

describe('createThrottleBreaker', () => {
  it('opens once the last 2 × concurrency calls that ended all failed for throttling', () => {
    const breaker = createThrottleBreaker(3)
    for (let call = 0; call < 5; call++) breaker.ended(true)
    expect(breaker.refusal()).toBeUndefined()
    breaker.ended(true)
    expect(breaker.refusal()).toBe(
      'the last 6 calls that ended all failed for throttling (HTTP 429 past retry-timeout), so the calls not yet started are not sent'
    )
  })

  it('closes again when a call ends any other way', () => {
    const breaker = createThrottleBreaker(1)
    breaker.ended(true)
    breaker.ended(true)
    expect(breaker.refusal()).toBeDefined()
    breaker.ended(false)
    expect(breaker.refusal()).toBeUndefined()
    breaker.ended(true)
    expect(breaker.refusal()).toBeUndefined()
  })

  it('never opens for a long batch that is only sometimes throttled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 2000 }),
        (concurrency, endings) => {
          const breaker = createThrottleBreaker(concurrency)
          let run = 0
          for (const throttled of endings) {
            breaker.ended(throttled)
            run = throttled ? run + 1 : 0
            // Open exactly while the trailing run of throttled failures reaches the threshold.
            expect(breaker.refusal() !== undefined).toBe(run >= 2 * concurrency)
          }
        }
      )
    )
  })
})
