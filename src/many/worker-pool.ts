/** How the pool paces its work and hands on results. */
export interface PoolOptions<R> {
  /** How many items may be in work at once, read before each start (it may change as it runs). */
  limit(): number
  /** Each result as soon as it is ready, with the item's position (from 0); awaited before the slot frees. */
  done(index: number, result: R): void | Promise<void>
}

/**
 * Runs `work` on every item of `items` with at most `limit()` at once, pulling the next item
 * only when a slot is free, so a source of any length (a streamed file) is never read ahead.
 * `work` is expected to turn failures into results; if it (or `done`, or the source) throws
 * anyway, no new item starts, the running ones finish, and the first error is thrown.
 * Returns how many items were started.
 */
export async function runPool<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions<R>
): Promise<number> {
  const iterator =
    Symbol.asyncIterator in items
      ? items[Symbol.asyncIterator]()
      : (async function* () {
          yield* items
        })()
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  let started = 0

  try {
    for (;;) {
      while (running.size >= Math.max(1, Math.floor(options.limit()))) {
        await Promise.race(running)
      }
      if (failure) break
      const next = await iterator.next()
      if (next.done) break
      const index = started++
      const task: Promise<void> = (async () => {
        const result = await work(next.value, index)
        await options.done(index, result)
      })()
        .catch((error: unknown) => {
          failure ??= { error }
        })
        .finally(() => running.delete(task))
      running.add(task)
    }
  } catch (error) {
    failure ??= { error }
  }
  await Promise.all(running)
  if (failure) {
    await iterator.return?.()
    throw failure.error
  }
  return started
}
