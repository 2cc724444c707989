/**
 * Many calls in one step, end to end against the bundle: a smoke suite with a check per call,
 * a calls-file of payloads with a bad line, cooperative throttling under 429 pressure, one
 * sign-in for the whole step, and the results file and summary table a user reads. Each test
 * asserts what the simulator saw.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { runnerLines, type ActionRun, type RunOptions } from '../../scripts/action-runner.mjs'
import { errors, expectFailure, readResults } from '../../__fixtures__/run-assertions.js'
import {
  clientSecretInputs,
  runAgainst,
  serviceRequests,
  useSimulator
} from '../../__fixtures__/simulator.js'

const token = 'static-token-many-calls-7c1f'
const app = { clientId: 'many-calls-app', clientSecret: 'many-calls-secret~Z3.k_42' }
const echo = 'SimTestService/EchoService/Echo'

const unregistered = {
  clientId: 'many-calls-unknown-app',
  clientSecret: 'many-calls-secret~U7.q_13'
}

const sim = useSimulator({
  clients: [app, unregistered],
  registeredApps: [app.clientId],
  staticTokens: [token]
})

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'many-calls-e2e-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the bundle with the static token against the simulator. */
function run(
  inputs: Record<string, string>,
  options: Partial<RunOptions> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), { ...options, inputs: { url: sim().url, token, ...inputs } })
}

/** The smoke suite of the README: five calls, each with its own check. */
function smokeSuite(journalBalanced: boolean): string {
  return `
- name: Session
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
  success-when: "Company == 'USMF'"
- name: Partition
  service-name: UserSessionService/AifUserSessionService/GetPartitionKey
  success-when: "@ == 'initial'"
- name: Journal J-1001
  service-name: SimTestService/JournalService/Validate
  payload: { _journalNum: J-1001, _balanced: ${journalBalanced} }
  success-when: Result
- name: Echo
  service-name: ${echo}
  payload: '{"_request": {"check": 42}}'
  fail-when: "received._request.check != \`42\`"
- name: Submit job
  service-name: SimTestService/JobService/Submit
  payload: { _steps: 1 }
  success-when: "Status == 'Submitted'"
`
}

describe('a smoke suite in one step (calls)', () => {
  it('runs five calls with their checks, one sign-in, and reports each in input order', async () => {
    const result = await runAgainst(sim(), {
      inputs: { ...clientSecretInputs(sim(), app), calls: smokeSuite(true) }
    })
    expect(errors(result)).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ total: '5', succeeded: '5', failed: '0', error: '' })

    // One token for the whole step, and every call went out with it.
    const tokens = sim().requests.filter(r => r.kind === 'token')
    expect(tokens).toHaveLength(1)
    const calls = serviceRequests(sim())
    expect(calls).toHaveLength(5)
    expect(new Set(calls.map(r => r.headers.authorization))).toEqual(
      new Set([`Bearer ${sim().issuedTokens[0]}`])
    )
    expect(calls.map(r => `${r.method} ${r.path}`).sort()).toEqual(
      [
        'POST /api/services/SimTestService/EchoService/Echo',
        'POST /api/services/SimTestService/JobService/Submit',
        'POST /api/services/SimTestService/JournalService/Validate',
        'POST /api/services/UserSessionService/AifUserSessionService/GetPartitionKey',
        'POST /api/services/UserSessionService/AifUserSessionService/GetUserSessionInfo'
      ].sort()
    )
    const journal = calls.find(r => r.path.endsWith('/Validate'))
    expect(JSON.parse(journal?.body ?? '')).toEqual({ _journalNum: 'J-1001', _balanced: true })

    const lines = await readResults(result)
    expect(lines.map(line => [line['index'], line['name'], line['status'], line['error']])).toEqual(
      [
        [1, 'Session', 200, null],
        [2, 'Partition', 200, null],
        [3, 'Journal J-1001', 200, null],
        [4, 'Echo', 200, null],
        [5, 'Submit job', 200, null]
      ]
    )
    expect(lines[2]).toMatchObject({
      'service-name': 'SimTestService/JournalService/Validate',
      attempts: 1,
      'activity-id': null,
      response: { $id: '1', Result: true, InfoMessages: [] },
      'response-file': null
    })
    expect(lines[1]?.['response']).toBe('initial')
    expect(lines.every(line => typeof line['elapsed-ms'] === 'number')).toBe(true)

    // One log line per finished call.
    expect(result.stdout).toMatch(/^\[\d\/5\] Journal J-1001: ok \(HTTP 200, 1 attempt, \d+ ms\)$/m)
    expect(result.summary).toContain('<h3>D365 F&amp;O: 5 calls</h3>')
    expect(result.summary).toContain(
      '<tr><td>3</td><td><code>Journal J-1001</code></td><td><code>SimTestService/JournalService/Validate</code></td><td>200</td><td>1</td>'
    )
    expect(result.summary).toContain('<strong>5 succeeded, 0 failed</strong> of 5')
  })

  it('fails the step when one check fails, naming the call, and still runs the others', async () => {
    const result = await run({ calls: smokeSuite(false) })
    const line = expectFailure(result, /^1 of 5 calls failed: Journal J-1001$/)
    expect(result.outputs).toMatchObject({ total: '5', succeeded: '4', failed: '1' })
    expect(serviceRequests(sim())).toHaveLength(5)
    const lines = await readResults(result)
    expect(lines[2]).toMatchObject({
      name: 'Journal J-1001',
      status: 200,
      error:
        `POST ${sim().url}/api/services/SimTestService/JournalService/Validate failed: ` +
        "success-when 'Result' evaluated to false (HTTP 200; Result = false) — F&O says: Journal J-1001 is not balanced.",
      response: {
        Result: false,
        InfoMessages: [{ Type: 'Error', Text: 'Journal J-1001 is not balanced.' }]
      }
    })
    expect(result.summary).toContain(
      `❌ <code>POST ${sim().url}/api/services/SimTestService/JournalService/Validate failed: success-when &#39;Result&#39; evaluated to false (HTTP 200; Result = false) — F&amp;O says: Journal J-1001 is not balanced.</code>`
    )
    expect(result.summary).toContain('<strong>4 succeeded, 1 failed</strong> of 5')
    expect(line).toBe('1 of 5 calls failed: Journal J-1001')
  })

  it('warns instead with enable-exception false, and the outputs tell the failed calls', async () => {
    const result = await run({ calls: smokeSuite(false), 'enable-exception': 'false' })
    expect(result.exitCode).toBe(0)
    expect(result.annotations).toEqual([
      { level: 'warning', message: '1 of 5 calls failed: Journal J-1001' }
    ])
    expect(result.outputs).toMatchObject({
      failed: '1',
      error: '1 of 5 calls failed: Journal J-1001'
    })
  })

  it('gives each call the step inputs it leaves out', async () => {
    const result = await run({
      'service-name': echo,
      payload: '{"_request":"from the step"}',
      'success-when': 'received._request',
      calls: `
- name: Default
- name: Own payload
  payload: {_request: own}
- name: Other service
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
  payload: '{}'
  success-when: UserId
`
    })
    expect(errors(result)).toEqual([])
    const bodies = serviceRequests(sim()).map(r => `${r.path.split('/').pop()} ${r.body}`)
    expect(bodies.sort()).toEqual(
      [
        'Echo {"_request":"from the step"}',
        'Echo {"_request":"own"}',
        'GetUserSessionInfo {}'
      ].sort()
    )
  })
})

describe('one sign-in for the whole step', () => {
  it('renews the token once for the calls in flight when it nears expiry, with no 401', async () => {
    // The first token (5 s) is due for renewal about 2.5 s in and refused 3.5 s in (as in the
    // poll test): twelve calls of 1 s, two at a time, outlive it by far.
    sim().tokenLifetimes([{ expiresInSeconds: 5, validForMs: 3_500 }])
    const result = await runAgainst(sim(), {
      inputs: {
        ...clientSecretInputs(sim(), app),
        'service-name': 'SimTestService/EchoService/Slow',
        calls: JSON.stringify(Array.from({ length: 12 }, () => ({ payload: { delayMs: 1000 } }))),
        concurrency: '2'
      }
    })
    expect(errors(result)).toEqual([])
    expect(result.outputs).toMatchObject({ total: '12', succeeded: '12', failed: '0' })
    expect(sim().requests.filter(r => r.kind === 'token')).toHaveLength(2)
    const [first, renewed] = sim().issuedTokens
    const used = serviceRequests(sim()).map(r => r.headers.authorization)
    expect(serviceRequests(sim()).map(r => r.status)).toEqual(Array(12).fill(200))
    expect(used[0]).toBe(`Bearer ${first}`)
    expect(used.at(-1)).toBe(`Bearer ${renewed}`)
    expect(result.stdout.match(/^The token expires in \d+ s: signing in again$/gm)).toHaveLength(1)
  })
})

describe('a refused call', () => {
  it("gets the sign-in doctor's reading, as a single call does", async () => {
    const result = await runAgainst(sim(), {
      inputs: { ...clientSecretInputs(sim(), unregistered), calls: smokeSuite(true) }
    })
    expectFailure(
      result,
      /^5 of 5 calls failed: Session, Partition, Journal J-1001, Echo, Submit job$/
    )
    const [first] = await readResults(result)
    expect(first).toMatchObject({ status: 401 })
    expect(String(first?.['error'])).toMatch(
      /failed: HTTP 401 Unauthorized — .*in F&O under System administration › Setup › Microsoft Entra applications/
    )
  })
})

describe('a calls-file of payloads', () => {
  it('sends 199 of 200 lines and reports the bad line by its number, as a failed call', async () => {
    const file = path.join(dir, 'payloads.jsonl')
    const lines = Array.from({ length: 200 }, (_, i) =>
      i === 56 ? '{"_request": 57,' : JSON.stringify({ _request: i + 1 })
    )
    await writeFile(file, `${lines.join('\n')}\n`)
    // The step reads calls-file only inside GITHUB_WORKSPACE or RUNNER_TEMP.
    const result = await run(
      {
        'service-name': echo,
        'calls-file': file,
        concurrency: '8',
        'success-when': 'received._request'
      },
      { env: { GITHUB_WORKSPACE: dir } }
    )
    expectFailure(result, /^1 of 200 calls failed: line 57$/)
    expect(result.outputs).toMatchObject({ total: '200', succeeded: '199', failed: '1' })
    const sent = serviceRequests(sim())
    expect(sent).toHaveLength(199)
    expect(
      sent.map(r => (JSON.parse(r.body) as { _request: number })._request).sort((a, b) => a - b)
    ).toEqual(Array.from({ length: 200 }, (_, i) => i + 1).filter(n => n !== 57))

    const written = await readResults(result)
    expect(written.map(line => line['index'])).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(written[56]).toMatchObject({
      name: 'line 57',
      line: 57,
      status: null,
      attempts: 0,
      error: expect.stringMatching(
        /^line 57 of calls-file: not valid JSON: .* at line 1, column \d+/
      )
    })
    expect(written[57]).toMatchObject({
      line: 58,
      status: 200,
      response: expect.objectContaining({ received: { _request: 58 } })
    })
    expect(result.summary).toContain(
      '<p>The first 100 of 200 calls are shown; every call is in the results file.</p>'
    )
  })

  it('reads call objects, and refuses an empty file before any request', async () => {
    const objects = path.join(dir, 'objects.jsonl')
    await writeFile(
      objects,
      [
        JSON.stringify({ name: 'one', 'service-name': echo, payload: { _request: 1 } }),
        '',
        JSON.stringify({
          'service-name': 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
        })
      ].join('\r\n')
    )
    const result = await run({ 'calls-file': objects }, { env: { GITHUB_WORKSPACE: dir } })
    expect(errors(result)).toEqual([])
    expect((await readResults(result)).map(line => [line['name'], line['line']])).toEqual([
      ['one', 1],
      ['line 3', 3]
    ])

    const blank = path.join(dir, 'blank.jsonl')
    await writeFile(blank, '\n\n')
    sim().reset()
    const refused = await run({ 'calls-file': blank }, { env: { GITHUB_WORKSPACE: dir } })
    expectFailure(
      refused,
      /^Invalid calls-file: .*blank\.jsonl holds no calls \(every line is blank\)\.$/
    )
    expect(sim().requests).toHaveLength(0)
  })
})

describe('cooperative throttling', () => {
  it("holds every other call for one call's Retry-After", async () => {
    sim().script(echo, {
      status: 429,
      headers: { 'Retry-After': '2' },
      body: { Message: 'Too many requests' }
    })
    const result = await run({
      'service-name': echo,
      calls: JSON.stringify(Array.from({ length: 12 }, (_, i) => ({ payload: { _request: i } }))),
      concurrency: '4'
    })
    expect(errors(result)).toEqual([])
    const sent = serviceRequests(sim())
    expect(sent).toHaveLength(13)
    const [throttled] = sent.filter(r => r.status === 429)
    const at = throttled?.time ?? NaN
    // The three calls already on their way may arrive just after the 429; nothing else comes
    // before its Retry-After has passed, although eight calls are waiting to go.
    const early = sent.filter(r => r.time > at + 250 && r.time < at + 2000)
    expect(early.map(r => `${r.time - at} ms after the 429`)).toEqual([])
    // The throttled call's retry and the calls that had not started yet came after it.
    expect(sent.filter(r => r.time >= at + 2000).length).toBeGreaterThanOrEqual(4)
  })

  it('pauses every worker for a 429 until its Retry-After has passed', async () => {
    sim().throttle({ rate: 4, burst: 4 })
    const result = await run(
      {
        'service-name': echo,
        calls: JSON.stringify(Array.from({ length: 24 }, (_, i) => ({ payload: { _request: i } }))),
        concurrency: '4'
      },
      { killAfterMs: 60_000 }
    )
    expect(errors(result)).toEqual([])
    expect(result.outputs).toMatchObject({ total: '24', succeeded: '24', failed: '0' })
    const sent = serviceRequests(sim())
    const throttled = sent.filter(r => r.status === 429)
    expect(throttled.length).toBeGreaterThan(0)
    // Requests already on their way when a 429 left the server may arrive just after it; none
    // is sent once the client has it, until its Retry-After has passed.
    const inFlightGraceMs = 250
    const inside = throttled.flatMap(answer => {
      const until = answer.time + 1000
      return sent
        .filter(r => r.time > answer.time + inFlightGraceMs && r.time < until)
        .map(r => `${r.time - answer.time} ms after a 429`)
    })
    expect(inside).toEqual([])
    // Every call's 429s were retried: the calls ended up succeeding.
    expect(sent.filter(r => r.status === 200)).toHaveLength(24)
  })
})

describe('pacing', () => {
  it('learns the admitted rate from two bursts of 429s and keeps to it from then on', async () => {
    sim().throttle({ rate: 20 })
    const result = await run(
      {
        'service-name': echo,
        calls: JSON.stringify(
          Array.from({ length: 120 }, (_, i) => ({ payload: { _request: i } }))
        ),
        concurrency: '4'
      },
      { killAfterMs: 60_000 }
    )
    expect(errors(result)).toEqual([])
    expect(result.outputs).toMatchObject({ total: '120', succeeded: '120', failed: '0' })
    const paced = runnerLines(result.stdout).filter(line =>
      line.startsWith('Requests are paced at ')
    )
    expect(paced[0]).toMatch(
      /^Requests are paced at (1\d|20)\.\d\/s from now on: what the service admitted between its last two 429s$/
    )
    // Bursting into the limit would meet a 429 every second or so (five or more bursts); once
    // paced, the calls keep below it.
    const refusedAt = serviceRequests(sim())
      .filter(r => r.status === 429)
      .map(r => r.time)
    const bursts = refusedAt.filter((at, i) => i === 0 || at - (refusedAt[i - 1] ?? 0) > 500)
    expect(bursts.length).toBeGreaterThanOrEqual(2)
    expect(bursts.length).toBeLessThanOrEqual(3)
  })
})

// The wait is the point here: a step of three 4-second calls, one at a time, runs past the
// first 10-second mark, and says how far it got there, while the third call is in flight.
describe('progress', () => {
  it('logs a line per finished call and, every 10 s, done/total, the rate and the concurrency', async () => {
    const calls = [1, 2, 3].map(n => `- { name: Slow ${n}, payload: { delayMs: 4000 } }`).join('\n')
    const result = await run({
      'service-name': 'SimTestService/EchoService/Slow',
      calls,
      concurrency: '1'
    })

    expect(errors(result)).toEqual([])
    expect(result.outputs['succeeded']).toBe('3')
    const lines = runnerLines(result.stdout)
    expect(
      lines.filter(line => /^\[\d\/3\] Slow \d: ok \(HTTP 200, 1 attempt, \d+ ms\)$/.test(line))
    ).toHaveLength(3)
    const periodic = lines.filter(line => line.startsWith('Progress: '))
    // One at the 10-second mark (two calls done, the third in flight), one at the end.
    expect(periodic[0]).toMatch(
      /^Progress: 2\/3 calls done \(0 failed\) in 1\d s, 0\.\d calls\/s; 1 in flight, concurrency 1$/
    )
    expect(lines.indexOf(periodic[0])).toBeLessThan(
      lines.findIndex(line => line.startsWith('[3/3]'))
    )
    expect(periodic.at(-1)).toMatch(
      /^Progress: 3\/3 calls done \(0 failed\) in 1\d s, .*; 0 in flight/
    )
  }, 60_000)
})

describe('inputs', () => {
  it.each([
    [
      'calls and calls-file',
      { calls: '- {}', 'calls-file': 'calls.jsonl' },
      /^Give calls or calls-file, not both/
    ],
    [
      'calls with until',
      { calls: '- {}', until: 'Done' },
      /^until is for a single call and cannot go with calls/
    ],
    [
      'a concurrency above 32',
      { calls: '- {}', concurrency: '33' },
      /^Invalid concurrency '33'\. Expected a whole number from 1 to 32\.$/
    ],
    [
      'an item without service-name',
      { calls: '- {name: lost}' },
      /^Invalid calls: item 1 \('lost'\): no service-name/
    ],
    [
      'a results-file for a single call',
      { 'service-name': echo, 'results-file': 'r.jsonl' },
      /^results-file is for many calls in one step/
    ],
    [
      'a missing calls-file',
      { 'calls-file': 'nowhere.jsonl' },
      /^Invalid calls-file 'nowhere\.jsonl': .* does not exist\./
    ]
  ])('refuses %s before any request', async (_, inputs, cause) => {
    const result = await run(inputs)
    expectFailure(result, cause)
    expect(sim().requests).toHaveLength(0)
  })
})
