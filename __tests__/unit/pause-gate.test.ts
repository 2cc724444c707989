import { describe, expect, it } from '@jest/globals'
import { createInFlightLimit } from '../../src/many/in-flight-limit.js'
import { createPauseGate, MaxJitterMs } from '../../src/many/pause-gate.js'
import { fakeTime } from '../../__fixtures__/fake-time.js'

describe('createPauseGate', () => {
  it('is open until a pause, then holds every waiter until the pause ends', async () => {
    const time = fakeTime()
    const gate = createPauseGate({ ...time, random: () => 0 })
    await gate.ready()
    expect(gate.remainingMs()).toBe(0)

    const start = time.now()
    expect(gate.pause(2000)).toBe(start + 2000)
    const woke: number[] = []
    const waiters = [1, 2, 3].map(() => gate.ready().then(() => woke.push(time.now())))
    while (await time.step());
    await Promise.all(waiters)
    expect(woke).toEqual([start + 2000, start + 2000, start + 2000])
  })

  it('adds up to 2 % jitter, at most a second', () => {
    const time = fakeTime()
    const almostOne = 0.999999
    const gate = createPauseGate({ ...time, random: () => almostOne })
    expect(gate.pause(1000) - time.now()).toBe(1019)
    const other = createPauseGate({ ...time, random: () => almostOne })
    expect(other.pause(60_000) - time.now()).toBe(60_000 + MaxJitterMs - 1)
  })

  it('keeps the later end when pauses overlap, and waiters wait for a pause that grows', async () => {
    const time = fakeTime()
    const gate = createPauseGate({ ...time, random: () => 0 })
    const start = time.now()
    gate.pause(3000)
    gate.pause(1000)
    expect(gate.remainingMs()).toBe(3000)
    let woke: number | undefined
    const waiter = gate.ready().then(() => (woke = time.now()))
    await new Promise(resolve => setImmediate(resolve))
    // Half-way through a 3 s pause, a 429 asks for 5 s more.
    time.set(start + 1500)
    gate.pause(5000)
    while (await time.step());
    await waiter
    expect(woke).toBe(start + 6500)
  })
})

describe('createInFlightLimit', () => {
  it('halves after a second 429 without a success between, down to 1', () => {
    let now = 0
    const changes: string[] = []
    const control = createInFlightLimit({
      max: 8,
      now: () => now,
      changed: (from, to, why) => changes.push(`${from}→${to} ${why}`)
    })
    control.throttled(now)
    expect(control.limit()).toBe(8)
    control.succeeded()
    control.throttled(now)
    expect(control.limit()).toBe(8)
    control.throttled(now)
    expect(control.limit()).toBe(4)
    for (const expected of [2, 1, 1]) {
      now += 10
      control.throttled(now)
      control.throttled(now)
      expect(control.limit()).toBe(expected)
    }
    expect(changes).toEqual(['8→4 throttled', '4→2 throttled', '2→1 throttled'])
  })

  it('counts a burst of 429s for requests sent before the decrease once', () => {
    let now = 100
    const control = createInFlightLimit({ max: 8, now: () => now })
    // Eight requests sent at 100, all answered 429 at 150.
    now = 150
    for (let i = 0; i < 8; i++) control.throttled(100)
    expect(control.limit()).toBe(4)
    // Two sent in the instant the first 429 came back, before the calls paused, are of it too.
    control.throttled(150)
    control.throttled(150)
    expect(control.limit()).toBe(4)
    // Requests sent after the decrease count again.
    control.throttled(151)
    control.throttled(152)
    expect(control.limit()).toBe(2)
  })

  it('climbs back by one after each run of successes, up to max', () => {
    const now = 0
    const control = createInFlightLimit({ max: 4, increaseAfter: 3, now: () => now })
    control.throttled(0)
    control.throttled(0)
    expect(control.limit()).toBe(2)
    const limits: number[] = []
    for (let i = 0; i < 12; i++) {
      control.succeeded()
      limits.push(control.limit())
    }
    expect(limits).toEqual([2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4])
  })

  it('starts the run of successes again after a 429', () => {
    const control = createInFlightLimit({ max: 4, increaseAfter: 3, now: () => 0 })
    control.throttled(0)
    control.throttled(0)
    control.succeeded()
    control.succeeded()
    control.throttled(1)
    control.succeeded()
    control.succeeded()
    expect(control.limit()).toBe(2)
    control.succeeded()
    expect(control.limit()).toBe(3)
  })
})
