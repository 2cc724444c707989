import { describe, expect, it } from '@jest/globals'
import {
  createRatePacer,
  MaxPacedRate,
  MinPacedRate,
  ProbeIntervalMs
} from '../../src/many/rate-pacer.js'

/** A pacer on a clock the test sets. */
function pacerAt(startMs = 0) {
  let clock = startMs
  const pacer = createRatePacer({ now: () => clock })
  return {
    pacer,
    at(ms: number) {
      clock = ms
      return pacer
    }
  }
}

/** Admits `count` requests sent evenly in [fromMs, toMs). */
function admitEvenly(
  pacer: ReturnType<typeof createRatePacer>,
  count: number,
  fromMs: number,
  toMs: number
) {
  for (let i = 0; i < count; i++) pacer.admitted(fromMs + ((toMs - fromMs) * i) / count)
}

describe('createRatePacer', () => {
  it('does not pace before a second throttling episode: the first starts from a full allowance', () => {
    const { pacer, at } = pacerAt()
    admitEvenly(pacer, 60, 0, 250)
    at(260).throttled(250, 1000)
    expect(pacer.rate()).toBeUndefined()
    // Requests go when the gate lets them.
    expect(at(1300).reserve()).toBe(1300)
    expect(at(1300).reserve()).toBe(1300)
  })

  it('paces at what was admitted between two 429s, spending the pause’s worth at once', () => {
    const { pacer, at } = pacerAt()
    at(10).throttled(0, 1000)
    // 60 admitted between the 429 sent at 0 and the one sent at 1200: 50 per second.
    admitEvenly(pacer, 60, 1010, 1200)
    at(1210).throttled(1200, 1000)
    expect(pacer.rate()).toBeCloseTo(50, 6)

    // After the pause, the second's worth the service held goes at once, then one every 20 ms.
    const resume = 2210
    const sends = Array.from({ length: 53 }, () => at(resume).reserve() - resume)
    expect(sends.slice(0, 50)).toEqual(Array.from({ length: 50 }, () => 0))
    expect(sends.slice(50).map(ms => Math.round(ms))).toEqual([20, 40, 60])
  })

  it('never holds more than the Retry-After’s worth after an idle spell', () => {
    const { pacer, at } = pacerAt()
    at(10).throttled(0, 2000)
    admitEvenly(pacer, 40, 2010, 4000)
    at(4010).throttled(4000, 2000)
    expect(pacer.rate()).toBeCloseTo(10, 6)
    const later = 10_000 // six idle seconds, before the pace first creeps up
    const sends = Array.from({ length: 22 }, () => at(later).reserve() - later)
    expect(sends.filter(ms => ms === 0)).toHaveLength(20)
    expect(sends.slice(20).map(ms => Math.round(ms))).toEqual([100, 200])
  })

  it('counts 429s for requests sent before it knew of one as the same episode', () => {
    const { pacer, at } = pacerAt()
    at(300).throttled(250, 1000)
    // Three more in flight when the first 429 came back.
    at(301).throttled(260, 1000)
    at(302).throttled(290, 1000)
    // And one sent in the instant it came back, before the pause began.
    at(308).throttled(300, 1000)
    expect(pacer.rate()).toBeUndefined()
    admitEvenly(pacer, 40, 1300, 2250)
    at(2300).throttled(2250, 1000)
    expect(pacer.rate()).toBeCloseTo(20, 6)
  })

  it('counts answers that come back after the next 429 towards the window they were sent in', () => {
    const { pacer, at } = pacerAt()
    at(260).throttled(250, 1000)
    admitEvenly(pacer, 47, 1260, 1740)
    at(1760).throttled(1750, 1000)
    expect(pacer.rate()).toBeCloseTo(47 / 1.5, 6)
    // Three sent just before the 429 was sent, answered just after it came back.
    for (const sent of [1741, 1745, 1749]) at(1762).admitted(sent)
    expect(pacer.rate()).toBeCloseTo(50 / 1.5, 6)
    // One sent after belongs to the next window.
    at(2800).admitted(2790)
    expect(pacer.rate()).toBeCloseTo(50 / 1.5, 6)
  })

  it('creeps up 1 %, then 2 %, 4 % … while no 429 comes, to find a limit that rose', () => {
    const { pacer, at } = pacerAt()
    at(100).throttled(100, 1000)
    admitEvenly(pacer, 100, 100, 1100)
    at(1100).throttled(1100, 1000)
    expect(pacer.rate()).toBeCloseTo(100, 6)
    // The pause ends at 2100; the pace holds for a probe interval from there.
    const firstProbe = 2100 + ProbeIntervalMs
    at(firstProbe - 1).reserve()
    expect(pacer.rate()).toBeCloseTo(100, 6)
    at(firstProbe).reserve()
    expect(pacer.rate()).toBeCloseTo(101, 6)
    at(firstProbe + ProbeIntervalMs).reserve()
    expect(pacer.rate()).toBeCloseTo(101 * 1.02, 6)
    at(firstProbe + 3 * ProbeIntervalMs).reserve()
    expect(pacer.rate()).toBeCloseTo(101 * 1.02 * 1.04 * 1.08, 6)
    // The next 429 measures afresh: what was admitted since the last one, without the creep.
    const next = firstProbe + 3 * ProbeIntervalMs + 5000
    admitEvenly(pacer, 2000, 2100, next)
    at(next).throttled(next, 1000)
    expect(pacer.rate()).toBeCloseTo(2000 / ((next - 1100) / 1000), 6)
    at(next + 1000 + ProbeIntervalMs).reserve()
    expect(pacer.rate()).toBeCloseTo((1.01 * 2000) / ((next - 1100) / 1000), 6)
  })

  it('stops pacing once creeping takes it past the most that pacing makes sense for', () => {
    const { pacer, at } = pacerAt()
    at(0).throttled(0, 1000)
    admitEvenly(pacer, 1000, 0, 1000)
    at(1000).throttled(1000, 1000)
    expect(pacer.rate()).toBeCloseTo(1000, 6)
    // 1 %, 2 %, 4 % … 64 %, then doubling: past MaxPacedRate within a few minutes.
    let clock = 2000
    while (pacer.rate() !== undefined && clock < 3_600_000) {
      clock += ProbeIntervalMs
      at(clock).reserve()
    }
    expect(pacer.rate()).toBeUndefined()
    expect(clock).toBeLessThan(120_000)
    expect(at(clock).reserve()).toBe(clock)
    expect(MaxPacedRate).toBeGreaterThan(1000)
  })

  it('leaves a service that admits less than one request a second to the pauses alone', () => {
    const { pacer, at } = pacerAt()
    at(0).throttled(0, 30_000)
    admitEvenly(pacer, 20, 30_000, 31_000)
    at(31_000).throttled(31_000, 30_000)
    expect(20 / 31).toBeLessThan(MinPacedRate)
    expect(pacer.rate()).toBeUndefined()
    expect(at(61_000).reserve()).toBe(61_000)
  })
})
