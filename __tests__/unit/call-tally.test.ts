import { describe, expect, it } from '@jest/globals'
import { createTally, failedCallsLine, MaxSummaryRows } from '../../src/many/call-tally.js'
import { createProgress } from '../../src/many/progress.js'
import type { CallResult } from '../../src/many/results-file.js'

function result(index: number, error?: string): CallResult {
  return {
    name: `call ${index}`,
    index,
    line: undefined,
    serviceName: 'G/S/O',
    status: error ? 500 : 200,
    attempts: 1,
    elapsedMs: 10,
    activityId: undefined,
    error,
    responseJson: undefined,
    responseFile: undefined
  }
}

describe('createTally', () => {
  it('counts results in any order and keeps the first rows and failures by input order', () => {
    const tally = createTally()
    const order = Array.from({ length: 250 }, (_, i) => 250 - i)
    for (const index of order) tally.add(result(index, index % 7 === 0 ? 'boom' : undefined))
    const snapshot = tally.snapshot()
    expect(snapshot).toMatchObject({ total: 250, succeeded: 215, failed: 35 })
    expect(snapshot.rows.map(row => row.index)).toEqual(
      Array.from({ length: MaxSummaryRows }, (_, i) => i + 1)
    )
    expect(snapshot.failedNames).toEqual(['call 7', 'call 14', 'call 21', 'call 28', 'call 35'])
  })

  it('keeps no answer for the summary: only what its rows print', () => {
    const tally = createTally()
    tally.add({
      ...result(1),
      responseJson: JSON.stringify({ big: 'x'.repeat(65_536) }),
      responseFile: undefined
    })
    tally.add({ ...result(2, 'boom'), responseJson: undefined, responseFile: '/tmp/2.json' })
    expect(tally.snapshot().rows).toEqual([
      {
        index: 1,
        name: 'call 1',
        serviceName: 'G/S/O',
        status: 200,
        attempts: 1,
        elapsedMs: 10,
        error: undefined
      },
      {
        index: 2,
        name: 'call 2',
        serviceName: 'G/S/O',
        status: 500,
        attempts: 1,
        elapsedMs: 10,
        error: 'boom'
      }
    ])
  })
})

describe('failedCallsLine', () => {
  it('is undefined when nothing failed', () => {
    const tally = createTally()
    tally.add(result(1))
    expect(failedCallsLine(tally.snapshot())).toBeUndefined()
  })

  it('names every failed call when there are few', () => {
    const tally = createTally()
    for (const index of [1, 2, 3]) tally.add(result(index, index === 2 ? 'x' : undefined))
    expect(failedCallsLine(tally.snapshot())).toBe('1 of 3 calls failed: call 2')
  })

  it('names the first five and says there are more', () => {
    const tally = createTally()
    for (let index = 1; index <= 9; index++) tally.add(result(index, 'x'))
    expect(failedCallsLine(tally.snapshot())).toBe(
      '9 of 9 calls failed: call 1, call 2, call 3, call 4, call 5, …'
    )
  })
})

describe('createProgress', () => {
  it('logs one line per finished call, at its own position, and a line of totals', () => {
    let now = 50_000
    const lines: string[] = []
    const progress = createProgress(200, { now: () => now, info: line => lines.push(line) })
    progress.finished(result(3))
    progress.finished({
      ...result(1, 'POST https://h/api/services/G/S/O failed: HTTP 500'),
      attempts: 2
    })
    now += 10_000
    progress.status(4, 2)
    expect(lines).toEqual([
      '[3/200] call 3: ok (HTTP 200, 1 attempt, 10 ms)',
      '[1/200] call 1: failed (HTTP 500, 2 attempts, 10 ms) — POST https://h/api/services/G/S/O failed: HTTP 500',
      'Progress: 2/200 calls done (1 failed) in 10 s, 0.2 calls/s; 4 in flight, concurrency 2'
    ])
  })

  it('names a line of calls-file by its line number, once', () => {
    const lines: string[] = []
    const progress = createProgress(5, { now: () => 0, info: line => lines.push(line) })
    progress.finished({ ...result(2), name: 'line 7', line: 7 })
    progress.finished({ ...result(3), name: 'post-journal', line: 9 })
    expect(lines).toEqual([
      '[line 7]: ok (HTTP 200, 1 attempt, 10 ms)',
      '[line 9] post-journal: ok (HTTP 200, 1 attempt, 10 ms)'
    ])
  })

  it('says "no answer" for a call without a status, and leaves the total out when unknown', () => {
    const lines: string[] = []
    const progress = createProgress(undefined, { now: () => 0, info: line => lines.push(line) })
    progress.finished({ ...result(1, 'line 1: not valid JSON'), status: undefined, attempts: 0 })
    expect(lines).toEqual([
      '[1] call 1: failed (no answer, 0 attempts, 10 ms) — line 1: not valid JSON'
    ])
  })
})
