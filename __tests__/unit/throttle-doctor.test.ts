import { describe, expect, it } from '@jest/globals'
import {
  addThrottling,
  classifyThrottle,
  describeThrottling,
  NoThrottling,
  signedInApp,
  throttledSeconds,
  ThrottlingPriorityMenu
} from '../../src/doctors/throttle-doctor.js'
import type { Credential } from '../../src/inputs/settings.js'

const app: Credential = {
  kind: 'client-secret',
  app: { tenant: 't', clientId: 'app-1234', authorityHost: 'https://login', scope: 's/.default' },
  clientSecret: 'x'
}

/** An unsigned JWT with these claims: only its claims are read. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(claims)}.sig`
}

describe('classifyThrottle', () => {
  it("reads F&O's Message or the text for the kind of protection", () => {
    expect(
      classifyThrottle('{"Message":"The request was throttled due to high resource utilization."}')
    ).toBe('resource')
    expect(
      classifyThrottle(
        '{"Message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}'
      )
    ).toBe('user')
    expect(
      classifyThrottle(
        'Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds'
      )
    ).toBe('user')
    expect(classifyThrottle('Number of concurrent requests exceeded the limit of 52.')).toBe('user')
    expect(classifyThrottle('{"Message":"Too many requests."}')).toBeUndefined()
    expect(classifyThrottle('')).toBeUndefined()
  })

  it('looks only at the first 4 KiB', () => {
    expect(classifyThrottle(`${' '.repeat(5000)}high resource utilization`)).toBeUndefined()
  })
})

describe('addThrottling', () => {
  it('adds answers and waits, keeps the longest Retry-After and every kind once', () => {
    const total = addThrottling(
      addThrottling(NoThrottling, {
        answers: 2,
        waitedMs: 3000,
        longestRetryAfterMs: 2000,
        kinds: ['user']
      }),
      { answers: 1, waitedMs: 500, longestRetryAfterMs: 1000, kinds: ['resource', 'user'] }
    )
    expect(total).toEqual({
      answers: 3,
      waitedMs: 3500,
      longestRetryAfterMs: 2000,
      kinds: ['user', 'resource']
    })
    expect(throttledSeconds(total)).toBe(4)
    expect(addThrottling(total, undefined)).toBe(total)
  })
})

describe('describeThrottling', () => {
  it('says nothing without a 429', () => {
    expect(describeThrottling(NoThrottling, app)).toBeUndefined()
  })

  it('names the remedy of each kind with the app that signed in', () => {
    const resource = describeThrottling(
      { answers: 1, waitedMs: 30_000, longestRetryAfterMs: 30_000, kinds: ['resource'] },
      app
    )
    expect(resource).toBe(
      "Throttled: 1 HTTP 429 answer, longest Retry-After 30 s, 30 s spent waiting — F&O's message names high resource utilisation " +
        `(resource-based service protection): raise the priority of app app-1234 under ${ThrottlingPriorityMenu}, or run the calls when the environment is less busy`
    )
    const user = describeThrottling(
      { answers: 3, waitedMs: 0, longestRetryAfterMs: undefined, kinds: ['user'] },
      app
    )
    expect(user).toMatch(
      /^Throttled: 3 HTTP 429 answers, no readable Retry-After, 0 s spent waiting — /
    )
    expect(user).toMatch(
      /user-based service protection: 6,000 requests and 1,200 s of execution per 5 minutes, 52 concurrent requests/
    )
    expect(user).toMatch(
      /several app registrations, as the limits count per user or app \(app app-1234 signed in\)$/
    )
  })

  it('gives both remedies when the message names neither kind', () => {
    const line = describeThrottling(
      { answers: 1, waitedMs: 1000, longestRetryAfterMs: 1000, kinds: [] },
      app
    )
    expect(line).toMatch(
      /names neither resource utilisation nor a request, time or concurrency limit: for resource-based protection, raise the priority of app app-1234 .*; for user-based limits, spread the calls/
    )
  })
})

describe('signedInApp', () => {
  it("is client-id, or a given token's appid, or undefined when neither reads as an id", () => {
    expect(signedInApp(app)).toBe('app-1234')
    expect(signedInApp({ kind: 'token', token: jwt({ appid: 'from-token' }) })).toBe('from-token')
    expect(signedInApp({ kind: 'token', token: jwt({ azp: '::error::x' }) })).toBeUndefined()
    expect(signedInApp({ kind: 'token', token: 'opaque' })).toBeUndefined()
  })
})
