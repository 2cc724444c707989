import { describe, expect, it } from '@jest/globals'
import { runPool } from '../../src/many/worker-pool.js'

/** A task that finishes when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = () => new Promise(resolve => setImmediate(resolve))

describe('runPool', () => {
  it('keeps at most limit() items in work and pulls the next item only when a slot frees', async () => {
    const pulled: number[] = []
    const source = (async function* () {
      for (let i = 0; i < 6; i++) {
        pulled.push(i)
        yield i
      }
    })()
    const tasks = new Map<number, ReturnType<typeof deferred<string>>>()
    const done: [number, string][] = []
    const pool = runPool(
      source,
      item => {
        const task = deferred<string>()
        tasks.set(item, task)
        return task.promise
      },
      { limit: () => 2, done: (index, result) => void done.push([index, result]) }
    )
    await tick()
    expect([...tasks.keys()]).toEqual([0, 1])
    expect(pulled).toEqual([0, 1])
    tasks.get(1)?.resolve('b')
    await tick()
    expect([...tasks.keys()]).toEqual([0, 1, 2])
    expect(pulled).toEqual([0, 1, 2])
    for (const item of [0, 2, 3, 4, 5]) {
      await tick()
      tasks.get(item)?.resolve(String.fromCharCode(97 + item))
    }
    await expect(pool).resolves.toBe(6)
    expect(done).toEqual([
      [1, 'b'],
      [0, 'a'],
      [2, 'c'],
      [3, 'd'],
      [4, 'e'],
      [5, 'f']
    ])
  })

  it('follows a limit that changes while it runs', async () => {
    let limit = 4
    let inWork = 0
    const seen: number[] = []
    await runPool(
      Array.from({ length: 40 }, (_, i) => i),
      async index => {
        inWork++
        seen.push(inWork)
        await tick()
        inWork--
        if (index === 8) limit = 1
        if (index === 30) limit = 3
      },
      { limit: () => limit, done: () => undefined }
    )
    expect(Math.max(...seen.slice(0, 8))).toBe(4)
    // After the limit dropped to 1, the items already running finish and then one at a time.
    expect(seen.slice(14, 30).every(n => n === 1)).toBe(true)
    expect(Math.max(...seen.slice(33))).toBe(3)
  })

  it('treats a limit below 1 as 1', async () => {
    await expect(
      runPool([1, 2], async item => item, { limit: () => 0, done: () => undefined })
    ).resolves.toBe(2)
  })

  it('starts nothing after a worker throws, lets the running ones finish, then throws', async () => {
    const started: number[] = []
    const finished: number[] = []
    const pool = runPool(
      Array.from({ length: 10 }, (_, i) => i),
      async item => {
        started.push(item)
        await tick()
        if (item === 1) throw new Error('bug in item 1')
        await tick()
        finished.push(item)
      },
      { limit: () => 3, done: () => undefined }
    )
    await expect(pool).rejects.toThrow('bug in item 1')
    expect(started).toEqual([0, 1, 2])
    expect(finished).toEqual([0, 2])
  })

  it('throws what the source throws after the running items finish', async () => {
    const finished: number[] = []
    const source = (async function* () {
      yield 1
      yield 2
      throw new Error('the file went away')
    })()
    await expect(
      runPool(
        source,
        async item => {
          await tick()
          finished.push(item)
        },
        { limit: () => 4, done: () => undefined }
      )
    ).rejects.toThrow('the file went away')
    expect(finished).toEqual([1, 2])
  })
})
