import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'
import { parseRunnerCommands } from '../../__fixtures__/runner-commands.js'
import { Outputs } from '../../src/common/constants.js'
import type { Failure } from '../../src/common/failure.js'
import type { CallOutcome } from '../../src/call/service-call.js'
import type { Settings } from '../../src/inputs/settings.js'

jest.unstable_mockModule('@actions/core', () => core)
const { report, reportCrash } = await import('../../src/report/report.js')

// The one place that tells the runner how a run went: outputs, summary and warn-or-fail, once.
// (The job summary itself is covered by summary.test.ts and end to end.)

const responseFile = '/runner/temp/d365fo-response.json'
const settings: Settings = Object.freeze({
  serviceName: 'G/S/O',
  serviceUrl: 'https://h/api/services/G/S/O',
  method: 'POST',
  metadataOnly: false,
  body: Buffer.from('{}'),
  payload: '{}',
  checkContract: false,
  contentType: 'application/json;charset=utf-8',
  retryTimeoutMs: 0,
  retryOn: { unavailable: false, network: false },
  successWhen: undefined,
  failWhen: undefined,
  poll: undefined,
  throttleSeed: 0,
  credential: { kind: 'token' as const, token: 'report-test-token' },
  expectedToken: {
    audience: 'https://h',
    audienceInput: 'url' as const,
    tenant: undefined,
    systemUrl: 'https://h'
  },
  enableException: true,
  timeoutMs: 0,
  responseFile: undefined,
  maxResponseBytes: 1024 ** 3,
  maskResponse: false,
  many: undefined,
  sources: {}
})

function call(body: string, fields: Partial<CallOutcome> = {}): CallOutcome {
  const head = Buffer.from(body)
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: { bytes: head.length, head, file: responseFile },
    attempts: 1,
    waitedMs: 0,
    elapsedMs: 12,
    failure: undefined,
    polls: 0,
    pollWaitedMs: 0,
    ...fields
  }
}

const outputs = (): Record<string, string> =>
  Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]))
/** Everything the mocked core printed with info, as the runner would read it. */
const infoText = (): string => core.info.mock.calls.map(([line]) => line).join('\n')

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

describe('report', () => {
  it('sets every output once and neither fails nor warns on success', async () => {
    await report({ settings, responseFile, call: call('{"ok":true}') })
    expect(core.setOutput).toHaveBeenCalledTimes(Object.keys(Outputs).length)
    expect(outputs()).toEqual({
      status: '200',
      response: '{"ok":true}',
      'response-file': responseFile,
      'throttled-sec': '0',
      headers: '{"content-type":"application/json"}',
      attempts: '1',
      'elapsed-ms': '12',
      error: '',
      polls: '0',
      'activity-id': '',
      // A single call leaves the outputs of many calls empty.
      total: '',
      succeeded: '',
      failed: '',
      'results-file': ''
    })
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
  })

  it("reports the polls and F&O's ActivityId, but no ActivityId with mask-response", async () => {
    const activityId = '6f1c8a2e-3b4d-4e5f-9a0b-1c2d3e4f5a6b'
    const failed = call(JSON.stringify({ Message: 'm', ActivityId: activityId }), {
      status: 500,
      polls: 3,
      activityId,
      failure: { kind: 'http', status: 500, message: 'POST https://h failed: HTTP 500 — m' }
    })
    await report({ settings, responseFile, call: failed })
    expect(outputs()).toMatchObject({ polls: '3', 'activity-id': activityId })

    jest.resetAllMocks()
    await report({ settings: { ...settings, maskResponse: true }, responseFile, call: failed })
    expect(outputs()).toMatchObject({ polls: '3', 'activity-id': '' })
  })

  it('fails on a bad input whatever enable-exception would say, with every output set', async () => {
    await report({ failure: { kind: 'input', message: "Invalid timeout-sec 'x'." } })
    expect(outputs()).toEqual({
      'throttled-sec': '0',
      status: '',
      response: '',
      'response-file': '',
      headers: '{}',
      attempts: '0',
      'elapsed-ms': '0',
      error: "Invalid timeout-sec 'x'.",
      polls: '0',
      'activity-id': '',
      total: '',
      succeeded: '',
      failed: '',
      'results-file': ''
    })
    expect(core.setFailed.mock.calls).toEqual([["Invalid timeout-sec 'x'."]])
  })

  it.each<[Failure['kind'], boolean, 'setFailed' | 'warning']>([
    ['sign-in', true, 'setFailed'],
    ['sign-in', false, 'warning'],
    ['http', false, 'warning'],
    ['transport', false, 'warning'],
    ['throttled', false, 'warning'],
    ['check', false, 'warning'],
    ['input', false, 'setFailed'],
    ['internal', false, 'setFailed']
  ])('a %s failure with enable-exception %s: %s', async (kind, enableException, expected) => {
    const failure: Failure = { kind, message: `${kind} went wrong` }
    await report({ settings: { ...settings, enableException }, failure })
    const other = expected === 'setFailed' ? core.warning : core.setFailed
    expect(core[expected].mock.calls).toEqual([[`${kind} went wrong`]])
    expect(other).not.toHaveBeenCalled()
    expect(outputs()['error']).toBe(`${kind} went wrong`)
  })

  it('neutralises and scrubs the failure before anyone sees it', async () => {
    const failure: Failure = {
      kind: 'http',
      status: 500,
      message: 'POST https://h/x failed: HTTP 500 — a\r\n::error::x ##[add-mask]y report-test-token'
    }
    const { maskSecret } = await import('../../src/common/secrets.js')
    maskSecret('report-test-token')
    await report({ settings, call: call('', { status: 500, failure }), failure })
    const line = 'POST https://h/x failed: HTTP 500 — a ::error::x ##[\\add-mask]y ***'
    expect(outputs()['error']).toBe(line)
    expect(core.setFailed.mock.calls).toEqual([[line]])
  })

  it('prints the body between stop-commands and a random token, so none of it acts as a command', async () => {
    const body = '::error::a\n##[add-mask]b\n::stop-commands::c\n::endgroup::'
    await report({ settings, call: call(body) })
    const printed = infoText()
    const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(printed)?.[1]
    expect(token).toBeDefined()
    expect(printed).toBe(`::stop-commands::${token}\n${body}\n::${token}::`)
    expect(parseRunnerCommands(printed).map(command => command.name)).toEqual([
      'stop-commands',
      token
    ])
    core.info.mockClear()
    await report({ settings, call: call(body) })
    expect(infoText()).not.toContain(token)
  })

  it('with mask-response: one mask for the body, no preview, and an error line without its words', async () => {
    const body = '{"Message":"Order 4711 for Contoso was refused","ExceptionType":"X"}'
    const failure: Failure = {
      kind: 'http',
      status: 500,
      message: 'POST https://h/x failed: HTTP 500 — Order 4711 for Contoso was refused (X)',
      withoutBody: 'POST https://h/x failed: HTTP 500'
    }
    await report({
      settings: { ...settings, maskResponse: true },
      call: call(body, { status: 500, failure }),
      failure
    })
    expect(core.setSecret.mock.calls).toEqual([[body]])
    expect(core.info).not.toHaveBeenCalled()
    const line =
      "POST https://h/x failed: HTTP 500 (the service's message is not shown: mask-response)"
    expect(core.setFailed.mock.calls).toEqual([[line]])
    expect(outputs()['error']).toBe(line)
    expect(outputs()['response']).toBe(body)
  })

  it('warns when mask-response leaves lines of a long multi-line body unmasked', async () => {
    const body = Array.from({ length: 150 }, (_, i) => `line number ${i}`).join('\n')
    await report({ settings: { ...settings, maskResponse: true }, call: call(body) })
    expect(core.setSecret).toHaveBeenCalledTimes(100)
    expect(core.warning.mock.calls).toEqual([
      [
        'mask-response: the response has 150 distinct lines; the first 100 are masked. A later step that prints the response line by line may show the others.'
      ]
    ])
  })

  it('fails with one line when the outputs cannot be written, even on a successful call', async () => {
    core.setOutput.mockImplementation(() => {
      throw new Error('ENOSPC: no space left on device, write')
    })
    await report({ settings: { ...settings, enableException: false }, call: call('{}') })
    expect(core.setFailed.mock.calls).toEqual([
      ['Could not set the step outputs (GITHUB_OUTPUT): ENOSPC: no space left on device, write']
    ])
  })

  it('names the call failure too when the outputs cannot be written', async () => {
    core.setOutput.mockImplementation(() => {
      throw new Error('EISDIR: illegal operation on a directory')
    })
    const failure: Failure = { kind: 'transport', message: 'POST https://h/x failed: ECONNRESET' }
    await report({ settings: { ...settings, enableException: false }, failure })
    expect(core.setFailed.mock.calls).toEqual([
      [
        'Could not set the step outputs (GITHUB_OUTPUT): EISDIR: illegal operation on a directory. The call failed too: POST https://h/x failed: ECONNRESET'
      ]
    ])
    expect(core.warning).not.toHaveBeenCalled()
  })
})

describe('reportCrash', () => {
  it('fails with one line and touches no output', () => {
    reportCrash(new TypeError('x is undefined\n    at somewhere'))
    expect(core.setFailed.mock.calls).toEqual([
      ['The action failed unexpectedly: x is undefined at somewhere']
    ])
    expect(core.setOutput).not.toHaveBeenCalled()
  })
})
