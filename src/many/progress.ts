import type { CallResult } from './results-file.js'

/** How often the step says how far it got. */
export const ProgressIntervalMs = 10_000

/** The clock and log of the progress lines; tests pass fakes. */
export interface ProgressDeps {
  /** Milliseconds since the epoch. */
  now(): number
  /** Writes one log line (the caller makes it safe to print). */
  info(line: string): void
}

/** The log of a many-calls step: a line per finished call, and a periodic line of totals. */
export interface Progress {
  /** Logs one line for a call that has finished. */
  finished(result: CallResult): void
  /** Logs done/total, the rate so far, and how many calls are in flight of how many allowed. */
  status(inFlight: number, concurrency: number): void
}

/** Starts counting now; `total` is the number of calls when known. */
export function createProgress(total: number | undefined, deps: ProgressDeps): Progress {
  const startedAt = deps.now()
  let done = 0
  let failed = 0
  const of = total === undefined ? '' : `/${total}`
  return {
    finished(result) {
      done++
      if (result.error !== undefined) failed++
      const status = result.status === undefined ? 'no answer' : `HTTP ${result.status}`
      const facts = `${status}, ${result.attempts} ${result.attempts === 1 ? 'attempt' : 'attempts'}, ${Math.round(result.elapsedMs)} ms`
      // The call's own place (its line in calls-file), not the order calls happen to finish in.
      const line = result.line === undefined ? undefined : `line ${result.line}`
      const place =
        line === undefined
          ? `[${result.index}${of}] ${result.name}`
          : `[${line}]${result.name === line ? '' : ` ${result.name}`}`
      deps.info(
        result.error === undefined
          ? `${place}: ok (${facts})`
          : `${place}: failed (${facts}) — ${result.error}`
      )
    },
    status(inFlight, concurrency) {
      const seconds = Math.max(0.001, (deps.now() - startedAt) / 1000)
      const rate = done / seconds
      deps.info(
        `Progress: ${done}${of} calls done (${failed} failed) in ${Math.round(seconds)} s, ` +
          `${rate.toFixed(rate < 10 ? 1 : 0)} calls/s; ${inFlight} in flight, concurrency ${concurrency}`
      )
    }
  }
}
