import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'
import { MaxResponseOutputBytes, Outputs } from '../../src/common/constants.js'

jest.unstable_mockModule('@actions/core', () => core)
const { responseText, writeOutputs } = await import('../../src/report/outputs.js')

const MiB = 1024 * 1024

describe('writeOutputs', () => {
  beforeEach(() => {
    jest.resetAllMocks()
  })

  it('sets every output the action declares', () => {
    writeOutputs({
      status: 200,
      response: '{"ok":true}',
      responseFile: '/tmp/response.json',
      headers: { 'content-type': 'application/json', 'x-ms-request-id': 'abc' },
      attempts: 3,
      elapsedMs: 1234.6,
      error: undefined,
      polls: 4,
      activityId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      throttledSec: 42
    })
    expect(Object.fromEntries(core.setOutput.mock.calls)).toEqual({
      [Outputs.Status]: '200',
      [Outputs.Response]: '{"ok":true}',
      [Outputs.ResponseFile]: '/tmp/response.json',
      [Outputs.Headers]: '{"content-type":"application/json","x-ms-request-id":"abc"}',
      [Outputs.Attempts]: '3',
      [Outputs.ElapsedMs]: '1235',
      [Outputs.Error]: '',
      [Outputs.Polls]: '4',
      [Outputs.ActivityId]: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      [Outputs.ThrottledSec]: '42',
      // A single call leaves the many-calls outputs empty.
      [Outputs.Total]: '',
      [Outputs.Succeeded]: '',
      [Outputs.Failed]: '',
      [Outputs.ResultsFile]: ''
    })
    expect(core.setOutput).toHaveBeenCalledTimes(Object.keys(Outputs).length)
  })

  it('sets the totals and the results file of many calls', () => {
    writeOutputs({
      status: undefined,
      response: '',
      responseFile: '',
      headers: {},
      attempts: 7,
      elapsedMs: 10,
      error: '1 of 5 calls failed: Journal',
      polls: 0,
      activityId: undefined,
      throttledSec: 0,
      many: { total: 5, succeeded: 4, failed: 1, resultsFile: '/runner/temp/results.jsonl' }
    })
    expect(Object.fromEntries(core.setOutput.mock.calls)).toMatchObject({
      [Outputs.Total]: '5',
      [Outputs.Succeeded]: '4',
      [Outputs.Failed]: '1',
      [Outputs.ResultsFile]: '/runner/temp/results.jsonl',
      [Outputs.Attempts]: '7',
      [Outputs.Error]: '1 of 5 calls failed: Journal'
    })
  })

  it('sets status to empty when no answer came, and the error line', () => {
    writeOutputs({
      status: undefined,
      response: '',
      responseFile: '',
      headers: {},
      attempts: 1,
      elapsedMs: 0,
      error: 'POST https://h/x failed: ECONNREFUSED',
      polls: 0,
      activityId: undefined,
      throttledSec: 0
    })
    expect(core.setOutput).toHaveBeenCalledWith(Outputs.Status, '')
    expect(core.setOutput).toHaveBeenCalledWith(Outputs.Headers, '{}')
    expect(core.setOutput).toHaveBeenCalledWith(Outputs.Polls, '0')
    expect(core.setOutput).toHaveBeenCalledWith(Outputs.ActivityId, '')
    expect(core.setOutput).toHaveBeenCalledWith(
      Outputs.Error,
      'POST https://h/x failed: ECONNREFUSED'
    )
  })
})

describe('writeOutputs when GITHUB_OUTPUT cannot be written', () => {
  it('returns one line saying why, instead of throwing', () => {
    core.setOutput.mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    expect(
      writeOutputs({
        status: 200,
        response: '{}',
        responseFile: '/tmp/r.json',
        headers: {},
        attempts: 1,
        elapsedMs: 1,
        error: undefined,
        polls: 0,
        activityId: undefined,
        throttledSec: 0
      })
    ).toBe('Could not set the step outputs (GITHUB_OUTPUT): ENOSPC: no space left on device, write')
  })
})

describe('responseText', () => {
  it('caps at 1 MiB', () => {
    expect(MaxResponseOutputBytes).toBe(MiB)
  })

  it('gives the body as UTF-8 text', () => {
    expect(responseText(Buffer.from('{"name":"Æble"}'), 16)).toBe('{"name":"Æble"}')
  })

  it('gives the text of a body of exactly 1 MiB', () => {
    const head = Buffer.alloc(MiB, 'a')
    expect(responseText(head, MiB)).toBe('a'.repeat(MiB))
  })

  it('gives nothing for a body one byte over 1 MiB', () => {
    const head = Buffer.alloc(MiB + 1, 'a')
    expect(responseText(head, MiB + 1)).toBe('')
  })

  it('gives nothing for an empty body', () => {
    expect(responseText(Buffer.alloc(0), 0)).toBe('')
  })
})
