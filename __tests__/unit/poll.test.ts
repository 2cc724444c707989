import { describe, expect, it } from '@jest/globals'
import type { InvokeResult } from '../../src/call/invoker.js'
import type { Verdict } from '../../src/call/outcome-check.js'
import { poll, type PollPlan } from '../../src/call/poll.js'

const Label = 'POST https://h/api/services/G/S/GetStatus'

function round(attempts: number): InvokeResult {
  return {
    status: 200,
    headers: {},
    body: { bytes: 2, head: Buffer.from('{}'), file: '/f' },
    attempts,
    waitedMs: 0,
    elapsedMs: 0,
    failure: undefined
  }
}

/**
 * A fake clock: each round takes `roundMs`, sleeps only advance the clock. The verdicts are
 * played in order, one per round.
 */
function fake(verdicts: Verdict[], options: { roundMs?: number; attemptsPerRound?: number } = {}) {
  let clock = 1_750_000_000_000
  const sleeps: number[] = []
  const lines: string[] = []
  const deadlines: (number | undefined)[] = []
  const run = async (deadlineMs: number | undefined): Promise<InvokeResult> => {
    deadlines.push(deadlineMs)
    clock += options.roundMs ?? 0
    return round(options.attemptsPerRound ?? 1)
  }
  const judge = async (): Promise<Verdict> => {
    const verdict = verdicts.shift()
    if (!verdict) throw new Error('test scripted no more verdicts')
    return verdict
  }
  const deps = {
    now: () => clock,
    async sleep(ms: number) {
      sleeps.push(ms)
      clock += ms
    },
    info: (line: string) => lines.push(line)
  }
  return { run, judge, deps, sleeps, lines, deadlines, start: clock }
}

const Plan: PollPlan = { until: "Status == 'Succeeded'", intervalMs: 10_000, timeoutMs: 60_000 }
const notYet = (seen: string): Verdict => ({ state: 'not-yet', seen })

describe('poll', () => {
  it('repeats the call every poll-interval until the condition holds, one log line per round', async () => {
    const f = fake(
      [
        notYet('Status = "Executing"'),
        notYet('Status = "Executing"'),
        { state: 'done', seen: 'Status = "Succeeded"' }
      ],
      {
        roundMs: 500,
        attemptsPerRound: 2
      }
    )
    const outcome = await poll(Plan, Label, f.run, f.judge, f.deps)
    expect(outcome.polls).toBe(3)
    expect(outcome.failure).toBeUndefined()
    expect(outcome.result.attempts).toBe(6)
    // Poll waits are counted apart from the retries' waits: the summary calls them so.
    expect(outcome.result.waitedMs).toBe(0)
    expect(outcome.pollWaitedMs).toBe(20_000)
    expect(outcome.result.elapsedMs).toBe(21_500)
    expect(f.sleeps).toEqual([10_000, 10_000])
    // What until read, never a bare "false".
    expect(f.lines).toEqual([
      'Poll 1 (1 s): Status = "Executing" → not yet, next poll in 10 s (60 s left)',
      'Poll 2 (11 s): Status = "Executing" → not yet, next poll in 10 s (49 s left)',
      'Poll 3 (22 s): Status = "Succeeded" → done'
    ])
  })

  it('hands every round the poll deadline, which no retry wait may pass', async () => {
    const f = fake([notYet('false'), { state: 'done', seen: 'true' }])
    await poll(Plan, Label, f.run, f.judge, f.deps)
    expect(f.deadlines).toEqual([f.start + 60_000, f.start + 60_000])
  })

  it('stops at the first failed round with its failure', async () => {
    const failure = { kind: 'check' as const, status: 200, message: `${Label} failed: fail-when` }
    const f = fake([notYet('false'), { state: 'failed', failure }])
    const outcome = await poll(Plan, Label, f.run, f.judge, f.deps)
    expect(outcome).toMatchObject({ polls: 2, failure })
    expect(f.sleeps).toEqual([10_000])
  })

  it('fails without sleeping when the next round would start after poll-timeout', async () => {
    const f = fake(
      Array.from({ length: 10 }, () => notYet('"Executing"')),
      { roundMs: 1_000 }
    )
    const plan = { ...Plan, timeoutMs: 25_000 }
    const outcome = await poll(plan, Label, f.run, f.judge, f.deps)
    // Rounds start at 0, 11 and 22 s; a fourth would start at 33 s, past 25 s.
    expect(outcome.polls).toBe(3)
    expect(f.sleeps).toEqual([10_000, 10_000])
    expect(outcome.failure).toEqual({
      kind: 'check',
      status: 200,
      message: `${Label} failed: until 'Status == 'Succeeded'' did not hold within poll-timeout 00:00:25 (3 polls; last seen: "Executing")`
    })
    expect(f.lines.at(-1)).toBe(
      'Poll 3 (23 s): "Executing" → not yet, and poll-timeout ends before the next poll'
    )
  })

  it("puts F&O's words from the last answer into a poll-timeout failure", async () => {
    const f = fake([{ state: 'not-yet', seen: 'Status = "Executing"', words: 'Step 3 of 9' }])
    const outcome = await poll({ ...Plan, timeoutMs: 5_000 }, Label, f.run, f.judge, f.deps)
    expect(outcome.failure?.message).toBe(
      `${Label} failed: until 'Status == 'Succeeded'' did not hold within poll-timeout 00:00:05 (1 poll; last seen: Status = "Executing") — F&O says: Step 3 of 9`
    )
  })

  it('with poll-timeout 00:00:00 polls without a deadline', async () => {
    const f = fake([
      ...Array.from({ length: 50 }, () => notYet('false')),
      { state: 'done', seen: 'true' }
    ])
    const outcome = await poll({ ...Plan, timeoutMs: 0 }, Label, f.run, f.judge, f.deps)
    expect(outcome.polls).toBe(51)
    expect(f.deadlines.every(deadline => deadline === undefined)).toBe(true)
    expect(f.lines[0]).toContain('(no poll-timeout)')
  })
})
