/**
 * `compute`, remembered for at most `max` distinct keys (the oldest forgotten first, then
 * computed again when it comes back): many calls repeat a few expressions, and a calls-file
 * may hold thousands of distinct ones.
 */
export function boundedMemo<V>(
  compute: (key: string) => Promise<V>,
  max = 256
): (key: string) => Promise<V> {
  const known = new Map<string, V>()
  return async key => {
    if (known.has(key)) return known.get(key) as V
    const value = await compute(key)
    if (known.size >= max) known.delete(known.keys().next().value as string)
    known.set(key, value)
    return value
  }
}
