/**
 * Pacing many calls at the rate a rate-limited service admits, learned from its 429s, so a long
 * run does not keep bursting into the limit and waiting out a whole Retry-After each time.
 *
 * Between two throttling episodes the service's allowance was empty at both ends, so the requests
 * it admitted in between, over the time between them, is the rate it admits (a little less: what
 * its allowance could not hold while the calls were paused is lost). From the second episode on,
 * requests are spaced at that rate, after spending at once what accrued during the pause. Without
 * a 429 the pace creeps up (1 %, then 2 %, 4 % … every ProbeIntervalMs), so a limit that rises is
 * found again, and the next 429 measures it afresh.
 */

/** The clock of the pacer; tests pass a fake. */
export interface PacerDeps {
  /** Milliseconds since the epoch. */
  now(): number
}

export interface RatePacer {
  /** Books the next request: when it may be sent (ms since the epoch); now when no pace is in force. */
  reserve(): number
  /** A request sent at `sentAtMs` was answered, not with 429. */
  admitted(sentAtMs: number): void
  /**
   * A request sent at `sentAtMs` was answered 429, asking to wait `waitMs`. Returns which burst of
   * 429s it belongs to, from 1.
   */
  throttled(sentAtMs: number, waitMs: number): number
  /** Requests per second in force, or undefined while requests are not paced. */
  rate(): number | undefined
}

/** A measured rate below this is left to the pauses alone: pacing would hold requests for seconds. */
export const MinPacedRate = 1
/** Above this pacing no longer holds anything back, so it ends. */
export const MaxPacedRate = 2000
/** How long the pace holds before it creeps up. */
export const ProbeIntervalMs = 5000
/** The first step up; each later one doubles, to at most MaxProbeStep. */
export const FirstProbeStep = 0.01
export const MaxProbeStep = 1

interface Episode {
  /** When the first request it refused was sent: the service's allowance was empty then. */
  readonly startAt: number
  /** When the step learned of it. */
  readonly knownAt: number
  /** The Retry-After it asked for. */
  readonly waitMs: number
  /** Requests sent from startAt on that were admitted, until the next episode starts. */
  admitted: number
}

interface Pace {
  /** Creep since the last episode, a factor ≥ 1 on the rate measured before it. */
  growth: number
  nextStep: number
  nextProbeAt: number
  /** Requests that may go at once; negative when booked ahead. */
  allowance: number
  allowanceAt: number
}

export function createRatePacer(deps: PacerDeps): RatePacer {
  let previous: Episode | undefined
  let current: Episode | undefined
  let pace: Pace | undefined
  let bursts = 0

  const rateNow = (): number | undefined => {
    if (!pace || !previous || !current) return undefined
    // Late answers to requests sent before the last episode still count towards its measure.
    const measured = previous.admitted / ((current.startAt - previous.startAt) / 1000)
    return measured * pace.growth
  }

  return {
    reserve() {
      const now = deps.now()
      if (!pace || !current) return now
      while (now >= pace.nextProbeAt) {
        pace.growth *= 1 + pace.nextStep
        pace.nextStep = Math.min(MaxProbeStep, pace.nextStep * 2)
        pace.nextProbeAt += ProbeIntervalMs
      }
      const rate = rateNow() ?? 0
      if (!worthPacing(rate)) {
        pace = undefined
        return now
      }
      // What accrued during a pause goes at once, as the service holds it; never more than the
      // Retry-After's worth, since the service may hold no more.
      const most = Math.max(1, (rate * current.waitMs) / 1000)
      const elapsed = Math.max(0, now - pace.allowanceAt)
      pace.allowance = Math.min(most, pace.allowance + (elapsed * rate) / 1000) - 1
      pace.allowanceAt = now
      return pace.allowance >= 0 ? now : now + (-pace.allowance / rate) * 1000
    },
    admitted(sentAtMs) {
      if (current && sentAtMs >= current.startAt) current.admitted++
      else if (previous && sentAtMs >= previous.startAt) previous.admitted++
    },
    throttled(sentAtMs, waitMs) {
      const now = deps.now()
      // Requests sent before the pause it imposed was over (on their way when it came back, or
      // sent in the same instant) were refused by the same empty allowance.
      if (current && sentAtMs < current.knownAt + current.waitMs) return bursts
      bursts++
      previous = current
      current = { startAt: sentAtMs, knownAt: now, waitMs, admitted: 0 }
      if (!previous) return bursts
      // The allowance was empty when this request arrived: it refills from then on.
      pace = {
        growth: 1,
        nextStep: FirstProbeStep,
        nextProbeAt: now + waitMs + ProbeIntervalMs,
        allowance: 0,
        allowanceAt: sentAtMs
      }
      if (!worthPacing(rateNow() ?? 0)) pace = undefined
      return bursts
    },
    rate: rateNow
  }
}

/** Between the rates too slow to pace (the pauses do it) and too fast to hold anything back. */
function worthPacing(rate: number): boolean {
  return rate >= MinPacedRate && rate <= MaxPacedRate
}
