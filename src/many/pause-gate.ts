/** The clock, sleep and random source of the gate; tests pass fakes, so nothing really waits. */
export interface GateDeps {
  /** Milliseconds since the epoch. */
  now(): number
  sleep(ms: number): Promise<void>
  /** [0, 1) like Math.random: the jitter added to each pause. */
  random(): number
}

/**
 * One pause shared by every worker of a step: a 429 on any call closes the gate until its
 * Retry-After has passed, so no worker sends a request the server has just asked to wait for.
 */
export interface PauseGate {
  /** Resolves once no pause is in force (at once when none is); a pause that grows is waited out too. */
  ready(): Promise<void>
  /**
   * Closes the gate for `waitMs` from now plus a little jitter, unless it is already closed for
   * longer. Returns when it opens again (ms since the epoch).
   */
  pause(waitMs: number): number
  /** How long the gate stays closed from now; 0 when it is open. */
  remainingMs(): number
}

/** The jitter is at most this share of the wait, so workers of parallel jobs do not resume in step. */
export const JitterShare = 0.02
/** And never more than this. */
export const MaxJitterMs = 1000

/** The longest a timer can wait (about 24.8 days); a longer pause is waited out in steps. */
export const MaxTimerMs = 2 ** 31 - 1

/** A gate that is open until the first pause. */
export function createPauseGate(deps: GateDeps): PauseGate {
  let openAt = 0
  const remainingMs = (): number => Math.max(0, openAt - deps.now())
  return {
    async ready() {
      for (let left = remainingMs(); left > 0; left = remainingMs()) {
        await deps.sleep(Math.min(left, MaxTimerMs))
      }
    },
    pause(waitMs) {
      const jitter = Math.floor(deps.random() * Math.min(MaxJitterMs, waitMs * JitterShare))
      openAt = Math.max(openAt, deps.now() + waitMs + jitter)
      return openAt
    },
    remainingMs
  }
}
