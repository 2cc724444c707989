/**
 * A fake clock for unit tests of code that waits: `sleep` only books a wake-up, and `step` moves
 * the clock to the earliest one and wakes it, so a test runs hours of waiting in milliseconds.
 */
export interface FakeTime {
  now(): number
  sleep(ms: number): Promise<void>
  /** Moves the clock to the next sleeper's end and wakes it; false when none sleeps. */
  step(): Promise<boolean>
  set(ms: number): void
}

/** Lets every promise that is ready run, and whatever those start. */
const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

export function fakeTime(startMs = 1_000_000): FakeTime {
  let clock = startMs
  const sleepers: { until: number; order: number; resolve: () => void }[] = []
  let booked = 0
  return {
    now: () => clock,
    sleep(ms) {
      return new Promise<void>(resolve => {
        sleepers.push({ until: clock + Math.max(0, ms), order: booked++, resolve })
      })
    },
    async step() {
      await settle()
      // Sleeps that end together wake in the order they were booked.
      sleepers.sort((a, b) => a.until - b.until || a.order - b.order)
      const next = sleepers.shift()
      if (!next) return false
      clock = Math.max(clock, next.until)
      next.resolve()
      await settle()
      return true
    },
    set(ms) {
      clock = ms
    }
  }
}
