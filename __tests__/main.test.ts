import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { clearInputs, setInputs, type InputName } from '../__fixtures__/unit-inputs.js'
import { clientSecretInputs, serviceRequests, useSimulator } from '../__fixtures__/simulator.js'
import { useTrustedCa } from '../__fixtures__/trusted-ca.js'
import { parseAnnotations, parseOutputFile } from '../scripts/action-runner.mjs'
import { Outputs } from '../src/common/constants.js'
import { run } from '../src/main.js'

// The action in process, as the official template tests main.ts, but with the real @actions/core:
// inputs as INPUT_* variables, outputs and summary in the files the runner reads, and the
// simulator on loopback. What it proves is the order of one run — settings, response-file,
// throttle, sign-in, call — and that every run, failed or not, is reported once.

const staticToken = 'main-test-static-token-0123'
// A given token that says it expires in 10 minutes (a JWT; F&O here takes it as it is).
const expiringToken = [
  '{"alg":"none"}',
  JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600 }),
  'x'
]
  .map(part => Buffer.from(part).toString('base64url'))
  .join('.')
const sim = useSimulator({ staticTokens: [staticToken, expiringToken] })
useTrustedCa(() => sim().caPem)

const isolated = [
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_WORKSPACE',
  'RUNNER_TEMP',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'D365FO_URL',
  'D365FO_SYSTEM_URL',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
]
const saved = Object.fromEntries(isolated.map(name => [name, process.env[name]]))
let base: string
let folder: string
// @actions/core resolves GITHUB_STEP_SUMMARY once per process, as a runner's step only needs:
// one summary file for the whole file, emptied before each run.
let summaryFile: string
let stdout: string
let runs = 0

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'd365fo-main-'))
  summaryFile = path.join(base, 'summary.md')
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})
beforeEach(async () => {
  // A fresh runner folder per run: workspace, RUNNER_TEMP, the output and summary files.
  folder = path.join(base, `run-${++runs}`)
  for (const name of isolated) delete process.env[name]
  process.env['GITHUB_WORKSPACE'] = path.join(folder, 'workspace')
  process.env['RUNNER_TEMP'] = path.join(folder, 'temp')
  process.env['GITHUB_OUTPUT'] = path.join(folder, 'output')
  process.env['GITHUB_STEP_SUMMARY'] = summaryFile
  await mkdir(process.env['GITHUB_WORKSPACE'], { recursive: true })
  await mkdir(process.env['RUNNER_TEMP'], { recursive: true })
  await writeFile(process.env['GITHUB_OUTPUT'], '')
  await rm(summaryFile, { recursive: true, force: true })
  await writeFile(summaryFile, '')
  stdout = ''
  // What the runner would read on the step's stdout (workflow commands included).
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk)
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  clearInputs()
  process.exitCode = undefined
})

/** Runs the action with `inputs` (action.yml's defaults for the rest) and reads what it left. */
async function action(inputs: Partial<Record<InputName, string>>) {
  setInputs({
    'service-name': 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
    payload: '{}',
    ...inputs
  })
  await run()
  const outputFile = await readFile(path.join(folder, 'output'), 'utf8')
  return {
    failed: process.exitCode === 1,
    outputs: parseOutputFile(outputFile),
    outputFile,
    summary: await readFile(summaryFile, 'utf8').catch(() => ''),
    annotations: parseAnnotations(stdout),
    stdout
  }
}

const tokenInputs = (): Partial<Record<InputName, string>> => ({
  url: sim().url,
  token: staticToken
})
/** Every output is in GITHUB_OUTPUT exactly once: written in one place, never overwritten. */
function expectEachOutputOnce(outputFile: string): void {
  const names = outputFile
    .split('\n')
    .map(line => /^([a-z-]+)<<ghadelimiter_/.exec(line)?.[1])
    .filter(name => name !== undefined)
  expect(names.sort()).toEqual(Object.values(Outputs).sort())
}
const kinds = (): string[] => sim().requests.map(request => request.kind)
const lineOf = (text: string): number => stdout.split('\n').findIndex(line => line.includes(text))

describe('a run that succeeds', () => {
  it('signs in, then calls, then reports every output once and a summary', async () => {
    const result = await action({ ...clientSecretInputs(sim(), sim().clients[0]!) })

    expect(kinds().indexOf('token')).toBeGreaterThanOrEqual(0)
    expect(kinds().lastIndexOf('token')).toBeLessThan(kinds().indexOf('service'))
    expect(serviceRequests(sim())).toHaveLength(1)
    expect(serviceRequests(sim())[0]?.headers['authorization']).toBe(
      `Bearer ${sim().issuedTokens[0]}`
    )
    expect(result.failed).toBe(false)
    expect(result.annotations).toEqual([])
    expect(result.outputs).toMatchObject({ status: '200', attempts: '1', error: '' })
    expect(JSON.parse(result.outputs['response'] ?? '')).toHaveProperty('UserId')
    expectEachOutputOnce(result.outputFile)
    expect(result.summary).toContain('UserSessionService/AifUserSessionService/GetUserSessionInfo')
    expect(lineOf('Signing in (client-secret)')).toBeGreaterThanOrEqual(0)
  })

  it('with a given token: no sign-in request at all', async () => {
    const result = await action(tokenInputs())

    expect(kinds()).toEqual(['service'])
    expect(result.outputs['status']).toBe('200')
    expect(lineOf('Signing in (token)')).toBeGreaterThanOrEqual(0)
  })

  it('writes the body to response-file, named by its output', async () => {
    const result = await action({ ...tokenInputs(), 'response-file': 'out/answer.json' })

    const file = path.join(folder, 'workspace', 'out', 'answer.json')
    expect(result.outputs['response-file']).toBe(file)
    expect(await readFile(file, 'utf8')).toBe(result.outputs['response'])
  })
})

describe('what the user learns before the first request', () => {
  it('a GET of an operation: a note that it returns metadata and runs nothing', async () => {
    const result = await action({ ...tokenInputs(), method: 'GET', payload: '' })

    const note = lineOf('method GET returns the metadata of UserSessionService/')
    expect(note).toBeGreaterThanOrEqual(0)
    expect(note).toBeLessThan(lineOf('::group::'))
    expect(serviceRequests(sim()).map(request => request.method)).toEqual(['GET'])
    expect(result.failed).toBe(false)
  })

  it('a given token that expires before polling can end: a warning, then the polls', async () => {
    const result = await action({
      url: sim().url,
      token: expiringToken,
      until: '`true`',
      'poll-interval': '1',
      'poll-timeout': '00:30:00'
    })

    expect(result.annotations).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(/^The given token expires in .*cannot be renewed/)
      }
    ])
    expect(stdout.indexOf('::warning::')).toBeLessThan(stdout.indexOf('::group::'))
    expect(result.outputs).toMatchObject({ status: '200', polls: '1' })
  })
})

describe('a run that stops early is still reported once', () => {
  it('a bad input: no request, the step fails naming the input, outputs and summary written', async () => {
    const result = await action({ ...tokenInputs(), 'timeout-sec': 'soon' })

    expect(sim().requests).toEqual([])
    expect(result.failed).toBe(true)
    expect(result.annotations).toEqual([
      { level: 'error', message: expect.stringContaining('timeout-sec') }
    ])
    expect(result.outputs).toMatchObject({ status: '', attempts: '0', 'response-file': '' })
    expect(result.outputs['error']).toBe(result.annotations[0]?.message)
    expect(result.summary).toContain('timeout-sec')
    expectEachOutputOnce(result.outputFile)
  })

  it('a response-file that cannot be written: refused before signing in, so no call is spent', async () => {
    // A valid path whose folder is a file: only opening it tells.
    await writeFile(path.join(folder, 'workspace', 'out'), 'a file, not a folder')
    const result = await action({
      ...clientSecretInputs(sim(), sim().clients[0]!),
      'response-file': 'out/answer.json'
    })

    expect(sim().requests).toEqual([])
    expect(lineOf('Signing in')).toBe(-1)
    expect(result.failed).toBe(true)
    expect(result.outputs['error']).toMatch(/^Invalid response-file: .*out is a file, not a folder/)
  })

  it('a refused sign-in: no call, the error in the outputs, and a summary too', async () => {
    const result = await action({
      ...clientSecretInputs(sim(), sim().clients[0]!),
      'client-secret': 'not-the-secret'
    })

    expect(kinds()).toContain('token')
    expect(serviceRequests(sim())).toEqual([])
    expect(result.failed).toBe(true)
    expect(result.outputs['error']).toMatch(/AADSTS7000215: .*Check 'client-secret'\.$/)
    expect(result.outputs).toMatchObject({ status: '', attempts: '0' })
    expect(result.summary).toContain('AADSTS7000215')
    expectEachOutputOnce(result.outputFile)
  })

  it('a refused sign-in with enable-exception false: a warning, the step stays green', async () => {
    const result = await action({
      ...clientSecretInputs(sim(), sim().clients[0]!),
      'client-secret': 'not-the-secret',
      'enable-exception': 'false'
    })

    expect(result.failed).toBe(false)
    expect(result.annotations).toEqual([
      { level: 'warning', message: expect.stringContaining('AADSTS7000215') }
    ])
    expect(result.outputs['error']).toBe(result.annotations[0]?.message)
  })

  it('a failed call: status, error and the body’s message, reported once', async () => {
    sim().script('UserSessionService/AifUserSessionService/GetUserSessionInfo', {
      status: 500,
      body: { Message: 'The store is closed.' }
    })
    const result = await action(tokenInputs())

    expect(result.failed).toBe(true)
    expect(result.outputs).toMatchObject({ status: '500', attempts: '1' })
    expect(result.annotations).toEqual([{ level: 'error', message: result.outputs['error'] }])
    expect(result.outputs['error']).toContain('HTTP 500')
    expect(result.outputs['error']).toContain('The store is closed.')
  })
})

describe('outputs are written in one place', () => {
  it('a summary that cannot be written costs a warning, not the outputs', async () => {
    // A folder where the summary file should be: appending to it fails.
    await rm(summaryFile)
    await mkdir(summaryFile)
    const result = await action(tokenInputs())

    expect(result.failed).toBe(false)
    expect(result.outputs).toMatchObject({ status: '200', error: '' })
    expect(result.annotations).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(/^Could not write the job summary \(GITHUB_STEP_SUMMARY\): /)
      }
    ])
    expectEachOutputOnce(result.outputFile)
  })

  it('outputs that cannot be written fail the step, saying so once, after the call', async () => {
    process.env['GITHUB_OUTPUT'] = path.join(folder, 'temp')
    await writeFile(path.join(folder, 'output'), '')
    const result = await action(tokenInputs())

    expect(serviceRequests(sim())).toHaveLength(1)
    expect(result.failed).toBe(true)
    expect(result.annotations).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(/^Could not set the step outputs \(GITHUB_OUTPUT\): /)
      }
    ])
    expect(result.summary).toContain('200')
  })
})

describe('throttle-seed', () => {
  it('waits a whole second or more after the settings and before signing in', async () => {
    // The smallest draw: a wait of exactly 1 s.
    jest.spyOn(Math, 'random').mockReturnValue(0)
    const started = Date.now()
    await action({ ...clientSecretInputs(sim(), sim().clients[0]!), 'throttle-seed': '5' })

    const waiting = lineOf('throttle-seed: waiting 1 s before the first request')
    expect(waiting).toBeGreaterThanOrEqual(0)
    expect(waiting).toBeLessThan(lineOf('Signing in'))
    // The wait happened before the first request: a lower bound only.
    expect(sim().requests[0]!.time - started).toBeGreaterThanOrEqual(1000)
  })
})

describe('many calls in one step', () => {
  const calls = (journalBalanced: boolean): string => `
- name: Session
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
- name: Journal
  service-name: SimTestService/JournalService/Validate
  payload: { _journalNum: J-1, _balanced: ${journalBalanced} }
  success-when: Result
- name: Echo
  service-name: SimTestService/EchoService/Echo
  payload: '{"_request": 42}'
`
  /** The results file, one JSON line per call in input order. */
  const resultsOf = async (file: string): Promise<Record<string, unknown>[]> =>
    (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as Record<string, unknown>)

  it('signs in once, runs every call, and reports the tally once', async () => {
    const result = await action({
      ...clientSecretInputs(sim(), sim().clients[0]!),
      'service-name': '',
      payload: '',
      calls: calls(true),
      concurrency: '2'
    })

    expect(result.failed).toBe(false)
    expect(result.annotations).toEqual([])
    expect(kinds().filter(kind => kind === 'token')).toHaveLength(1)
    expect(serviceRequests(sim())).toHaveLength(3)
    expect(result.outputs).toMatchObject({ total: '3', succeeded: '3', failed: '0', error: '' })
    const lines = await resultsOf(result.outputs['results-file'] ?? '')
    expect(lines.map(line => [line['name'], line['status']])).toEqual([
      ['Session', 200],
      ['Journal', 200],
      ['Echo', 200]
    ])
    expect(result.summary).toContain('Journal')
  })

  it('a call whose check fails fails the step, naming it; the others still run', async () => {
    const result = await action({
      url: sim().url,
      token: staticToken,
      'service-name': '',
      payload: '',
      calls: calls(false)
    })

    expect(result.failed).toBe(true)
    expect(result.annotations).toEqual([
      { level: 'error', message: '1 of 3 calls failed: Journal' }
    ])
    expect(result.outputs).toMatchObject({ total: '3', succeeded: '2', failed: '1' })
    expect(serviceRequests(sim())).toHaveLength(3)
  })

  it('reads calls-file line by line, and one 429 pauses every call for its Retry-After', async () => {
    const echo = 'SimTestService/EchoService/Echo'
    await writeFile(
      path.join(folder, 'workspace', 'calls.jsonl'),
      [1, 2, 3, 4]
        .map(n => JSON.stringify({ 'service-name': echo, payload: { _request: n } }))
        .join('\n')
    )
    sim().script(echo, { status: 429, headers: { 'Retry-After': '1' } })
    const result = await action({
      url: sim().url,
      token: staticToken,
      'service-name': '',
      payload: '',
      'calls-file': 'calls.jsonl'
    })

    expect(result.failed).toBe(false)
    expect(result.outputs).toMatchObject({ total: '4', succeeded: '4', failed: '0' })
    // Its Retry-After, as asked (the pause adds a little jitter so the calls do not come back all at once).
    expect(result.stdout).toMatch(/^HTTP 429: every call waits 1 s$/m)
    // Four calls and the throttled one's retry; nothing sent during the pause but what was on its way.
    const sent = serviceRequests(sim())
    expect(sent).toHaveLength(5)
    const lines = await resultsOf(result.outputs['results-file'] ?? '')
    expect(lines.map(line => line['status'])).toEqual([200, 200, 200, 200])
  })

  it('a calls-file that does not exist: refused before any request', async () => {
    const result = await action({
      ...clientSecretInputs(sim(), sim().clients[0]!),
      'service-name': '',
      payload: '',
      'calls-file': 'no-such-calls.jsonl'
    })

    expect(sim().requests).toEqual([])
    expect(result.failed).toBe(true)
    expect(result.outputs['error']).toMatch(/calls-file/)
  })

  it('a refused sign-in: no call, and the step fails with Entra’s reason', async () => {
    const result = await action({
      ...clientSecretInputs(sim(), sim().clients[0]!),
      'client-secret': 'not-the-secret',
      'service-name': '',
      payload: '',
      calls: calls(true)
    })

    expect(serviceRequests(sim())).toEqual([])
    expect(result.failed).toBe(true)
    expect(result.outputs['error']).toMatch(/AADSTS7000215/)
    expect(result.outputs).toMatchObject({ total: '3', succeeded: '0', failed: '3' })
  })
})
