/**
 * Edit distance between two names, ignoring case, or undefined once it passes `limit`: each row
 * stops early when all its cells are past the limit, so a long list of long names stays cheap.
 */
export function nameDistance(a: string, b: string, limit: number): number | undefined {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]
  if (Math.abs(x.length - y.length) > limit) return undefined
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index)
  for (let i = 1; i <= x.length; i++) {
    const current = [i]
    let best = i
    for (let j = 1; j <= y.length; j++) {
      const cost = x.charCodeAt(i - 1) === y.charCodeAt(j - 1) ? 0 : 1
      const cell = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      current.push(cell)
      best = Math.min(best, cell)
    }
    if (best > limit) return undefined
    previous = current
  }
  const distance = previous[y.length]
  return distance <= limit ? distance : undefined
}

/** How far a name may be from another to count as a typo of it: 1 for short names, at most 3. */
export function typoLimit(name: string): number {
  return Math.max(1, Math.min(3, Math.floor(name.length / 4)))
}

/**
 * The names closest to `wanted` (case-insensitive edit distance within its typo limit), best
 * first and at most `max`; ties keep the order of `names`.
 */
export function closestNames(wanted: string, names: readonly string[], max = 3): string[] {
  const limit = typoLimit(wanted)
  return names
    .map((name, index) => ({ name, index, distance: nameDistance(wanted, name, limit) }))
    .filter(
      (entry): entry is { name: string; index: number; distance: number } =>
        entry.distance !== undefined
    )
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, max)
    .map(entry => entry.name)
}

/** "A", "A or B", "A, B or C". */
export function alternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}
