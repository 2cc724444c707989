/**
 * Every green is true, end to end against the bundle: checks that cannot silently pass (a bare
 * `false`, a field in the wrong letter case, an `until` field the answer lacks), polls that show
 * what they saw, F&O's own words in a failed check, no green no-op for a forgotten operation,
 * JMESPath's truthiness for all three checks, and payload-file. Each test asserts what the
 * simulator saw.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runnerLines } from '../../scripts/action-runner.mjs'
import { errors, expectFailure, readResults, warnings } from '../../__fixtures__/run-assertions.js'
import {
  operationRequests,
  serviceRequests,
  staticTokenRunner,
  useSimulator
} from '../../__fixtures__/simulator.js'
import { useTempFolder } from '../../__fixtures__/temp-folder.js'

const token = 'static-token-checks-2b81'
const submit = 'SimTestService/JobService/Submit'
const getStatus = 'SimTestService/JobService/GetStatus'
const validate = 'SimTestService/JournalService/Validate'
const echo = 'SimTestService/EchoService/Echo'

const sim = useSimulator({ staticTokens: [token] })

const folder = useTempFolder('checks-e2e-')

const run = staticTokenRunner(sim, token)
const requestsTo = (operation: string) => operationRequests(sim(), operation)

/** Submits a job that reports Executing `steps` times before it succeeds; returns its id. */
async function submitJob(steps: number): Promise<string> {
  const submitted = await run({
    'service-name': submit,
    payload: JSON.stringify({ _steps: steps })
  })
  expect(submitted.exitCode).toBe(0)
  return (JSON.parse(submitted.outputs['response']) as { JobId: string }).JobId
}

describe('expressions checked before any request', () => {
  it.each([
    ['fail-when', 'Result == false', 'Result == `false`'],
    ['success-when', 'Result == true', 'Result == `true`'],
    ['until', "Status == 'Done' || Error != null", "Status == 'Done' || Error != `null`"]
  ])('refuses a bare literal in %s, showing the fix', async (input, expression, fixed) => {
    const result = await run({ 'service-name': validate, payload: '{}', [input]: expression })
    const line = expectFailure(result, new RegExp(`^Invalid ${input} `))
    expect(line).toContain(`write literals in backticks: ${fixed}`)
    expect(sim().requests).toEqual([])
  })

  it('refuses a bare literal in one call of calls, naming the call', async () => {
    const result = await run({
      calls: `- {service-name: ${validate}, payload: {}}\n- {name: post, service-name: ${validate}, fail-when: Result == false}`
    })
    expectFailure(
      result,
      /^Invalid calls: item 2 \('post'\): invalid fail-when 'Result == false': a bare false is a field name/
    )
    expect(sim().requests).toEqual([])
  })

  it('names the position of a syntax error', async () => {
    const result = await run({ 'service-name': validate, 'success-when': "Result ==== 'x'" })
    expectFailure(
      result,
      /^Invalid success-when 'Result ==== 'x'': Syntax error.* at character 10: Result ==»== 'x'/
    )
    expect(sim().requests).toEqual([])
  })
})

describe("F&O's words in a failed check", () => {
  it('fails Result:false with Result == `false`, the InfoMessages text in error', async () => {
    const result = await run({
      'service-name': validate,
      payload: '{"_journalNum": "GEN-2", "_balanced": false}',
      'fail-when': 'Result == `false`'
    })
    expectFailure(
      result,
      /^POST \S+Validate failed: fail-when 'Result == `false`' evaluated to true \(HTTP 200; Result = false\) — F&O says: Journal GEN-2 is not balanced\.$/
    )
    expect(result.stdout).toContain(
      "fail-when 'Result == `false`': Result = false → holds: the call fails"
    )
    expect(serviceRequests(sim())).toHaveLength(1)
  })

  it('logs the check and passes a balanced journal', async () => {
    const result = await run({
      'service-name': validate,
      payload: '{"_journalNum": "GEN-3", "_balanced": true}',
      'success-when': 'Result == `true`'
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain("success-when 'Result == `true`': Result = true → holds")
  })
})

describe('fields compared with the answer', () => {
  it('fails an until in the wrong letter case after the first answer, not at the deadline', async () => {
    const jobId = await submitJob(3)
    const result = await run(
      {
        'service-name': getStatus,
        payload: JSON.stringify({ _jobId: jobId }),
        until: "status == 'Succeeded'",
        'poll-interval': '1'
      },
      { killAfterMs: 15_000 }
    )
    expectFailure(
      result,
      /^POST \S+GetStatus failed: until 'status == 'Succeeded'' reads 'status'; the answer \(HTTP 200\) has 'Status' — JMESPath is case-sensitive$/
    )
    expect(requestsTo(getStatus)).toHaveLength(1)
  })

  it('fails an until whose field the answer lacks at once, listing its keys', async () => {
    const jobId = await submitJob(3)
    const result = await run({
      'service-name': getStatus,
      payload: JSON.stringify({ _jobId: jobId }),
      until: "State == 'Succeeded'",
      'poll-interval': '1'
    })
    expectFailure(
      result,
      /^POST \S+ failed: until 'State == 'Succeeded'' reads 'State', which the answer \(HTTP 200\) does not have \(its keys: \$id, JobId, Status, Message\), so it would never hold: polling stopped$/
    )
    expect(requestsTo(getStatus)).toHaveLength(1)
  })

  it('fails a misspelt until that would hold on any answer, instead of ending the poll green', async () => {
    const jobId = await submitJob(3)
    const result = await run({
      'service-name': getStatus,
      payload: JSON.stringify({ _jobId: jobId }),
      until: "Staus != 'Executing'",
      'poll-interval': '1'
    })
    expectFailure(
      result,
      /^POST \S+ failed: until 'Staus != 'Executing'' reads 'Staus', which the answer \(HTTP 200\) does not have \(its keys: \$id, JobId, Status, Message\), so it holds on any answer: polling stopped$/
    )
    expect(requestsTo(getStatus)).toHaveLength(1)
  })

  it('fails a fail-when in the wrong letter case, which could never hold', async () => {
    const result = await run({
      'service-name': validate,
      payload: '{"_journalNum": "GEN-2", "_balanced": false}',
      'fail-when': "InfoMessages[?type=='Error']"
    })
    expectFailure(
      result,
      /reads 'InfoMessages\[\]\.type'; the answer \(HTTP 200\) has 'Type' — JMESPath is case-sensitive$/
    )
  })

  it('fails one call of many whose check reads a field in the wrong letter case', async () => {
    const result = await run({
      'service-name': validate,
      calls: `- {name: right, payload: {_balanced: true}, success-when: Result}\n- {name: wrong, payload: {_balanced: true}, success-when: result}`
    })
    expectFailure(result, /^1 of 2 calls failed: wrong$/)
    const lines = await readResults(result)
    expect(lines[1]).toMatchObject({
      name: 'wrong',
      status: 200,
      error: expect.stringMatching(
        /failed: success-when 'result' reads 'result'; the answer \(HTTP 200\) has 'Result' — JMESPath is case-sensitive$/
      )
    })
  })

  it('warns when fail-when reads only fields the answer lacks', async () => {
    const result = await run({
      'service-name': validate,
      payload: '{"_journalNum": "GEN-3", "_balanced": true}',
      'fail-when': 'Errors'
    })
    expect(result.exitCode).toBe(0)
    expect(warnings(result)).toEqual([
      "fail-when 'Errors' cannot hold on this answer: it reads 'Errors', which the answer (HTTP 200) does not have (its keys: $id, Result, InfoMessages)"
    ])
  })
})

describe('polls that show what they see', () => {
  it('logs the fields until read on every poll', async () => {
    const jobId = await submitJob(2)
    const result = await run({
      'service-name': getStatus,
      payload: JSON.stringify({ _jobId: jobId }),
      until: "Status == 'Succeeded'",
      'poll-interval': '1'
    })
    expect(result.exitCode).toBe(0)
    const polls = runnerLines(result.stdout).filter(line => line.startsWith('Poll '))
    expect(polls).toEqual([
      expect.stringMatching(/^Poll 1 \(\d+ s\): Status = "Executing" → not yet, next poll in 1 s/),
      expect.stringMatching(/^Poll 2 \(\d+ s\): Status = "Executing" → not yet, next poll in 1 s/),
      expect.stringMatching(/^Poll 3 \(\d+ s\): Status = "Succeeded" → done$/)
    ])
    expect(requestsTo(getStatus)).toHaveLength(3)
    expect(result.summary).toContain('<th>Polls</th><th>Poll waits</th>')
  })
})

describe('no green no-op', () => {
  it('refuses a service with method auto before any request, and lists it with GET', async () => {
    const service = 'UserSessionService/AifUserSessionService'
    const refused = await run({ 'service-name': service })
    expectFailure(
      refused,
      /^service-name 'UserSessionService\/AifUserSessionService' names a service, not an operation: add the operation to run it \(ServiceGroup\/Service\/Operation\), or set method: GET to list what it holds\.$/
    )
    expect(sim().requests).toEqual([])

    const listed = await run({ 'service-name': service, method: 'GET' })
    expect(listed.exitCode).toBe(0)
    expect(JSON.parse(listed.outputs['response'])).toEqual({
      Operations: expect.arrayContaining([{ Name: 'GetUserSessionInfo' }])
    })
    expect(serviceRequests(sim()).map(r => [r.method, r.path])).toEqual([
      ['GET', `/api/services/${service}`]
    ])
  })

  it('refuses / and a one-segment name per call of calls too', async () => {
    const result = await run({ calls: `- {service-name: ${validate}}\n- {service-name: /}` })
    expectFailure(
      result,
      /^Invalid calls: item 2: service-name '\/' names every service group: add the operation/
    )
    expect(sim().requests).toEqual([])
  })
})

describe('the log of many calls', () => {
  it("shows each call's own position, not the order the calls finished in", async () => {
    const result = await run({
      calls: [
        '- {name: slow, service-name: SimTestService/EchoService/Slow, payload: {delayMs: 1500}}',
        `- {name: quick, service-name: ${echo}, payload: {}}`,
        `- {name: quicker, service-name: ${echo}, payload: {}}`
      ].join('\n'),
      concurrency: '3'
    })
    expect(result.exitCode).toBe(0)
    const lines = runnerLines(result.stdout)
      .filter(line => /^\[\d\/3\]/.test(line))
      .map(line => line.replace(/ \(.*$/, ''))
    // The slow first call finishes last, yet its line says 1/3.
    expect([...lines.slice(0, 2)].sort()).toEqual(['[2/3] quick: ok', '[3/3] quicker: ok'])
    expect(lines.slice(2)).toEqual(['[1/3] slow: ok'])
  })
})

describe('the log of many calls, throttled', () => {
  it('folds identical 429 lines in a row into one with a count', async () => {
    // Six 429s 100 ms apart, the first after 200 ms so that all six calls are in flight: each
    // answer moves the shared pause on by more than its jitter, so each is logged.
    sim().script(
      echo,
      Array.from({ length: 6 }, (_, i) => ({
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { Message: 'Slow down' },
        delayMs: 200 + 100 * i
      }))
    )
    const result = await run({
      'service-name': echo,
      calls: JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ payload: { _request: i } }))),
      concurrency: '6'
    })
    expect(result.exitCode).toBe(0)
    const shown = runnerLines(result.stdout).filter(line => line !== '' && !line.startsWith('::'))
    const throttleLines = shown.filter(line => line.startsWith('HTTP 429: every call waits'))
    // The line says the Retry-After asked for, whatever the jitter: equal 429s read alike.
    expect(
      new Set(throttleLines.map(line => line.replace(/ \(×\d+ more in a row\)$/, '')))
    ).toEqual(new Set(['HTTP 429: every call waits 1 s']))
    // Repeats are folded: a fold's count follows the very line it repeats.
    const folds = shown.flatMap((line, i) => {
      const fold = / \(×\d+ more in a row\)$/.exec(line)
      return fold ? [[shown[i - 1], line.slice(0, fold.index)]] : []
    })
    expect(folds.length).toBeGreaterThan(0)
    for (const [before, repeated] of folds) expect(before).toBe(repeated)
    expect(shown.filter((line, i) => i > 0 && line === shown[i - 1])).toEqual([])
    expect(serviceRequests(sim())).toHaveLength(12)
  })
})

describe("JMESPath's truthiness, for all three checks", () => {
  // [] and {} are false in JMESPath but truthy in JavaScript; 0 is the other way round.
  const Values: readonly [string, unknown, boolean][] = [
    ['[]', [], false],
    ['{}', {}, false],
    ["''", '', false],
    ['false', false, false],
    ['null', null, false],
    ['0', 0, true]
  ]

  it('success-when and fail-when, each call with one value', async () => {
    const calls = Values.flatMap(([name, value]) => [
      { name: `success-when ${name}`, payload: { v: value }, 'success-when': 'received.v' },
      { name: `fail-when ${name}`, payload: { v: value }, 'fail-when': 'received.v' }
    ])
    const result = await run({ 'service-name': echo, calls: JSON.stringify(calls) })
    const lines = (await readResults(result)) as { name: string; error: string | null }[]
    expect(lines.map(line => [line.name, line.error === null])).toEqual(
      Values.flatMap(([name, , truthy]) => [
        [`success-when ${name}`, truthy],
        [`fail-when ${name}`, !truthy]
      ])
    )
    expect(serviceRequests(sim())).toHaveLength(12)
  })

  it.each(Values)('until %s', async (_, value, truthy) => {
    const result = await run({
      'service-name': echo,
      payload: JSON.stringify({ v: value }),
      until: 'received.v',
      'poll-interval': '1',
      'poll-timeout': '00:00:01'
    })
    if (truthy) {
      expect({ exitCode: result.exitCode, error: result.outputs['error'] }).toEqual({
        exitCode: 0,
        error: ''
      })
    } else {
      expectFailure(
        result,
        /^POST \S+ failed: until 'received\.v' did not hold within poll-timeout 00:00:01 \(1 poll; last seen: received = /
      )
    }
    expect(serviceRequests(sim())).toHaveLength(1)
  })
})

describe('payload-file', () => {
  it('sends a windows-1252 file byte for byte, declared as such', async () => {
    const workspace = path.join(folder(), 'ws-1252')
    await mkdir(path.join(workspace, 'payloads'), { recursive: true })
    const bytes = Buffer.from('{"_request": "Caf\xe9 \x80 \xbd"}', 'latin1')
    await writeFile(path.join(workspace, 'payloads', 'cafe.json'), bytes)
    const result = await run(
      {
        'service-name': echo,
        'payload-file': 'payloads/cafe.json',
        'payload-charset': 'windows-1252'
      },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expect(result.exitCode).toBe(0)
    const [sent] = serviceRequests(sim())
    expect(sent.bodyBytes).toEqual(bytes)
    expect(sent.headers['content-type']).toBe('application/json;charset=windows-1252')
    expect(JSON.parse(result.outputs['response'])).toMatchObject({
      received: { _request: 'Café € ½' }
    })
  })

  it('sends a UTF-8 file without its byte-order mark', async () => {
    const workspace = path.join(folder(), 'ws-bom')
    await mkdir(workspace, { recursive: true })
    const json = Buffer.from('{"_request": "Æble"}', 'utf8')
    await writeFile(
      path.join(workspace, 'p.json'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json])
    )
    const result = await run(
      { 'service-name': echo, 'payload-file': 'p.json' },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expect(result.exitCode).toBe(0)
    expect(serviceRequests(sim())[0].bodyBytes).toEqual(json)
  })

  it('refuses a file outside the workspace and RUNNER_TEMP before any request', async () => {
    const outside = path.join(folder(), 'outside.json')
    await writeFile(outside, '{}')
    const workspace = path.join(folder(), 'ws-empty')
    await mkdir(workspace, { recursive: true })
    const result = await run(
      { 'service-name': echo, 'payload-file': outside },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expectFailure(
      result,
      /^Invalid payload-file '.*outside\.json': it resolves to .*, which is not inside GITHUB_WORKSPACE/
    )
    expect(sim().requests).toEqual([])
  })

  it('refuses payload and payload-file together, naming both', async () => {
    const result = await run({ 'service-name': echo, payload: '{}', 'payload-file': 'p.json' })
    expectFailure(result, /^Give payload or payload-file, not both/)
    expect(sim().requests).toEqual([])
  })

  it('refuses a file that is not JSON in its charset before any request', async () => {
    const workspace = path.join(folder(), 'ws-bad')
    await mkdir(workspace, { recursive: true })
    await writeFile(path.join(workspace, 'p.json'), Buffer.from('{"a": "\xe9"}', 'latin1'))
    const result = await run(
      { 'service-name': echo, 'payload-file': 'p.json' },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expectFailure(result, /^Invalid payload-file 'p\.json' holds bytes that are not valid utf-8/)
    expect(sim().requests).toEqual([])
  })

  it('is a key of each call, read from the workspace', async () => {
    const workspace = path.join(folder(), 'ws-calls')
    await mkdir(workspace, { recursive: true })
    await writeFile(path.join(workspace, 'one.json'), '{"_request": 1}')
    await writeFile(path.join(workspace, 'two.json'), '{"_request": 2}')
    const result = await run(
      {
        'service-name': echo,
        calls: '- {payload-file: one.json}\n- {payload-file: two.json}',
        'success-when': 'received._request'
      },
      { env: { GITHUB_WORKSPACE: workspace } }
    )
    expect({ exitCode: result.exitCode, errors: errors(result) }).toEqual({
      exitCode: 0,
      errors: []
    })
    expect(
      serviceRequests(sim())
        .map(r => r.body)
        .sort()
    ).toEqual(['{"_request": 1}', '{"_request": 2}'])
  })
})
