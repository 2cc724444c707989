import * as core from '@actions/core'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The random start delay for `throttle-seed`: a whole number of seconds in [1, seed], in ms;
 * 0 when the seed is 0. `random` returns [0, 1) like Math.random.
 */
export function startDelayMs(seed: number, random: () => number): number {
  if (seed <= 0) return 0
  return (1 + Math.min(seed - 1, Math.floor(random() * seed))) * 1000
}

/** Waits throttle-seed's random delay before the step's first request, saying so in the log. */
export async function waitStartDelay(seed: number): Promise<void> {
  const delayMs = startDelayMs(seed, Math.random)
  if (delayMs > 0) {
    core.info(`throttle-seed: waiting ${delayMs / 1000} s before the first request`)
    await sleep(delayMs)
  }
}
