import { describe, expect, it } from '@jest/globals'
import { ThrottleCount } from '../../src/call/throttle-count.js'
import { ThrottleBodyChars } from '../../src/doctors/throttle-doctor.js'

describe('ThrottleCount', () => {
  it('counts nothing before a 429', () => {
    expect(new ThrottleCount().snapshot()).toEqual({
      answers: 0,
      waitedMs: 0,
      longestRetryAfterMs: undefined,
      kinds: []
    })
  })

  it('counts the 429s, the longest Retry-After they asked for and the time waited for them', () => {
    const count = new ThrottleCount()
    count.answered('5', 0)
    count.answered(undefined, 0)
    count.answered('Thu, 01 Jan 1970 00:00:30 GMT', 10_000)
    count.answered('2', 0)
    count.waited(5_000)
    count.waited(2_500)
    expect(count.snapshot()).toMatchObject({
      answers: 4,
      waitedMs: 7_500,
      longestRetryAfterMs: 20_000
    })
  })

  it('reads each kind of throttling once, from bodies noted or read as they drain', () => {
    const count = new ThrottleCount()
    count.noteKind('{"Message":"Throttled due to high resource utilization"}')
    count.noteKind('Number of requests exceeded the limit of 6000 over time window of 300 seconds')
    count.noteKind('high resource utilization, again')
    count.noteKind('a gateway page that names no kind')
    const reader = count.bodyReader()
    expect(reader.bytes).toBe(ThrottleBodyChars)
    reader.read(Buffer.from('Number of concurrent requests exceeded the limit of 52'))
    expect([...count.snapshot().kinds].sort()).toEqual(['resource', 'user'])
  })
})
