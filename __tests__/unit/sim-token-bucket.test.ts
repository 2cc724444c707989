import { describe, expect, it } from '@jest/globals'
import { createTokenBucket } from '../../sim/throttle.mjs'

describe('the simulator token bucket', () => {
  it('admits rate per second after a full burst and says when the next request is admitted', () => {
    const bucket = createTokenBucket({ rate: 50, burst: 50 }, 0)
    const at0 = Array.from({ length: 51 }, () => bucket.take(0))
    expect(at0.filter(answer => answer.admitted)).toHaveLength(50)
    expect(at0[50]).toEqual({ admitted: false, retryAfterSeconds: 1 })
    // 100 ms refill 5 tokens.
    const at100 = Array.from({ length: 6 }, () => bucket.take(100).admitted)
    expect(at100).toEqual([true, true, true, true, true, false])
  })

  it('says more than a second when the rate is below one per second', () => {
    const bucket = createTokenBucket({ rate: 0.25 }, 0)
    expect(bucket.take(0)).toEqual({ admitted: true })
    expect(bucket.take(0)).toEqual({ admitted: false, retryAfterSeconds: 4 })
    expect(bucket.take(3000)).toEqual({ admitted: false, retryAfterSeconds: 1 })
    expect(bucket.take(4000)).toEqual({ admitted: true })
  })

  it('never holds more than the burst, and refuses a rate that admits nothing', () => {
    const bucket = createTokenBucket({ rate: 10, burst: 2 }, 0)
    const answers = Array.from({ length: 3 }, () => bucket.take(60_000).admitted)
    expect(answers).toEqual([true, true, false])
    expect(() => createTokenBucket({ rate: 0 }, 0)).toThrow('throttle rate must be > 0, got 0')
  })
})
