/**
 * The random start delay for `throttle-seed`: a whole number of seconds in [1, seed], in ms;
 * 0 when the seed is 0. `random` returns [0, 1) like Math.random.
 */
export function startDelayMs(seed: number, random: () => number): number {
  if (seed <= 0) return 0
  return (1 + Math.min(seed - 1, Math.floor(random() * seed))) * 1000
}
