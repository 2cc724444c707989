import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'
import { createTally } from '../../src/many/call-tally.js'
import type { Failure } from '../../src/common/failure.js'
import type { ManyOutcome } from '../../src/many/many-calls.js'
import type { CallResult } from '../../src/many/results-file.js'
import type { Settings } from '../../src/inputs/settings.js'
import { NoThrottling } from '../../src/doctors/throttle-doctor.js'

jest.unstable_mockModule('@actions/core', () => core)
const { reportMany } = await import('../../src/report/many-report.js')

// The one report of a many-calls step: totals as outputs, one failure line, warn or fail.
// (The table itself is covered by calls-summary.test.ts and end to end.)

const settings = {
  enableException: true,
  maskResponse: false
} as Pick<Settings, 'enableException' | 'maskResponse'> as Settings

function result(index: number, error?: string): CallResult {
  return {
    name: `call ${index}`,
    index,
    line: undefined,
    serviceName: 'G/S/O',
    status: error ? 500 : 200,
    attempts: 2,
    elapsedMs: 5,
    activityId: undefined,
    error,
    responseJson: undefined,
    responseFile: undefined
  }
}

function outcome(errors: (string | undefined)[], fields: Partial<ManyOutcome> = {}): ManyOutcome {
  const tally = createTally()
  errors.forEach((error, i) => tally.add(result(i + 1, error)))
  return {
    settings,
    tally: tally.snapshot(),
    attempts: errors.length * 2,
    elapsedMs: 1234.4,
    throttling: NoThrottling,
    resultsFile: '/runner/temp/results.jsonl',
    failure: undefined,
    ...fields
  }
}

const outputs = (): Record<string, string> =>
  Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]))

const saved = process.env['GITHUB_STEP_SUMMARY']
beforeAll(() => {
  delete process.env['GITHUB_STEP_SUMMARY']
})
afterAll(() => {
  if (saved !== undefined) process.env['GITHUB_STEP_SUMMARY'] = saved
})
beforeEach(() => {
  jest.resetAllMocks()
})

describe('reportMany', () => {
  it('sets the totals and neither fails nor warns when every call succeeded', async () => {
    await reportMany(outcome([undefined, undefined]))
    expect(outputs()).toMatchObject({
      total: '2',
      succeeded: '2',
      failed: '0',
      'results-file': '/runner/temp/results.jsonl',
      attempts: '4',
      'elapsed-ms': '1234',
      status: '',
      error: ''
    })
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('fails with one line naming how many failed and the first ones', async () => {
    await reportMany(outcome([undefined, 'boom', 'boom']))
    expect(core.setFailed.mock.calls).toEqual([['2 of 3 calls failed: call 2, call 3']])
    expect(outputs()).toMatchObject({ failed: '2', error: '2 of 3 calls failed: call 2, call 3' })
  })

  it('warns instead with enable-exception false', async () => {
    await reportMany(outcome(['boom'], { settings: { ...settings, enableException: false } }))
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning.mock.calls).toEqual([['1 of 1 call failed: call 1']])
  })

  it.each<[Failure['kind'], boolean, 'setFailed' | 'warning']>([
    ['sign-in', false, 'warning'],
    ['sign-in', true, 'setFailed'],
    ['input', false, 'setFailed'],
    ['internal', false, 'setFailed']
  ])(
    'a step that fails as a whole (%s, enable-exception %s) is reported with %s',
    async (kind, enableException, reporter) => {
      await reportMany(
        outcome([], {
          settings: { ...settings, enableException },
          failure: { kind, message: `the ${kind} failed` },
          tally: { total: 3, succeeded: 0, failed: 3, rows: [], failedNames: [] }
        })
      )
      expect(core[reporter].mock.calls).toEqual([[`the ${kind} failed`]])
      expect(outputs()).toMatchObject({ total: '3', failed: '3', error: `the ${kind} failed` })
    }
  )

  it('makes a hostile failure line inert', async () => {
    await reportMany(outcome([], { failure: { kind: 'sign-in', message: 'bad\n::error::forged' } }))
    expect(core.setFailed.mock.calls).toEqual([['bad ::error::forged']])
  })
})
