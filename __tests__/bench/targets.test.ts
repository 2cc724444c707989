import { describe, expect, it } from '@jest/globals'
import { interleave } from '../../bench/paired.mjs'
import { Goals } from '../../bench/goals.mjs'
import { judge, Targets } from '../../bench/targets.mjs'

// The benchmark's targets are data that the table, the Targets section and the results file all
// read through judge(); these pin down how a target is judged and that the data holds together.
const paired = {
  wallRatio: [1.1, 1.5, 1.2],
  serviceRequests: [1, 1, 1],
  authorityRequests: [2, 2, 2]
}

describe('judge', () => {
  it('compares the median for a median target', () => {
    expect(judge({ 'token-call': paired }).get('token-wall')).toBe(true)
    const slow = { ...paired, wallRatio: [1.1, 1.4, 1.35] }
    expect(judge({ 'token-call': slow }).get('token-wall')).toBe(false)
  })

  it('needs every sample for an each target, pooled over its scenarios', () => {
    const clouds = { serviceRequests: [1, 1] }
    expect(
      judge({ 'client-secret': paired, 'sovereign-clouds': clouds }).get('secret-service-requests')
    ).toBe(true)
    expect(
      judge({ 'client-secret': paired, 'sovereign-clouds': { serviceRequests: [1, 2] } }).get(
        'secret-service-requests'
      )
    ).toBe(false)
  })

  it('counts the entries for a count target, and compares values for a boolean one', () => {
    const lazy = {
      unreachedInIndex: [],
      onDemandInIndex: ['iconv-lite'],
      tokenPathLoadsMsal: false,
      secretPathLoadsMsal: false
    }
    const verdicts = judge({ 'lazy-loading': lazy })
    expect(verdicts.get('unreached-in-index')).toBe(true)
    expect(verdicts.get('on-demand-in-index')).toBe(false)
    expect(verdicts.get('token-path-msal')).toBe(true)
    expect(verdicts.get('secret-path-msal')).toBe(false)
  })

  it('compares at least and strictly below where a target says so', () => {
    const many = { failed: [0], throughputRatio: [0.95], throttledShare: [0.05] }
    const met = judge({ 'many-throttled': many })
    expect(met.get('many-throttled-throughput')).toBe(true)
    expect(met.get('many-throttled-429-share')).toBe(false)
    const worse = judge({
      'many-throttled': { ...many, throughputRatio: [0.949], throttledShare: [0.049] }
    })
    expect(worse.get('many-throttled-throughput')).toBe(false)
    expect(worse.get('many-throttled-429-share')).toBe(true)
  })

  it('never meets a target whose scenario did not run or has no samples', () => {
    const verdicts = judge({ 'token-call': { ...paired, serviceRequests: [] } })
    expect(verdicts.get('token-service-requests')).toBe(false)
    expect(verdicts.get('throttled-overhead')).toBe(false)
    expect(verdicts.get('unreached-in-index')).toBe(false)
  })
})

describe('the targets data', () => {
  it('gives every target a unique id, and every goal names existing targets', () => {
    const ids = Targets.map(target => target.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const goal of Goals) {
      expect(goal.targets.length).toBeGreaterThan(0)
      for (const id of goal.targets) expect(ids).toContain(id)
    }
  })
})

describe('interleave', () => {
  it('rotates which contender goes first and keeps only the measured iterations, aligned', async () => {
    const order: string[] = []
    let n = 0
    const contender = (name: string) => async () => {
      order.push(name)
      return `${name}${n++}`
    }

    const runs = await interleave(
      { warmup: 1, iterations: 2 },
      { a: contender('a'), b: contender('b'), c: contender('c') }
    )

    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b'])
    expect(runs).toEqual({ a: ['a5', 'a7'], b: ['b3', 'b8'], c: ['c4', 'c6'] })
  })
})
