/**
 * Untrusted input, round two, end to end against a bundle of the current sources: JSON nested
 * 30,000 deep from a hostile server, payload numbers that a re-serialisation would change, a
 * calls-file line that is not UTF-8, a payload record whose keys are call keys, a results-file
 * that is the calls-file, and every input carrying runner commands.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import {
  actionPath,
  actionPlatform,
  fromActionPath,
  runAction,
  runnerLines,
  type ActionRun
} from '../../scripts/action-runner.mjs'
import {
  createTestCa,
  startFaultServer,
  type FaultServer,
  type TestCa
} from '../../__fixtures__/fault-server.js'
import { expectNoServerCommands, hostileText, Mark } from '../../__fixtures__/hostile-text.js'
import { errors, expectFailure, readResults } from '../../__fixtures__/run-assertions.js'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { runAgainst, serviceRequests, useSimulator } from '../../__fixtures__/simulator.js'

const token = 'untrusted-input-token-4e1b9c'
const echo = 'SimTestService/EchoService/Echo'
// 60 KB of `[[[…]]]`: deeper than any recursive JSON writer or parser survives.
const Deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`

const sim = useSimulator({ staticTokens: [token] })

// The hostile server: each describe scripts its answers.
let ca: TestCa
let server: FaultServer
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'untrusted-input-'))
  ca = await createTestCa()
  server = await ca.issue([{ ip: '127.0.0.1' }]).then(startFaultServer)
})
afterAll(async () => {
  await server.close()
  await ca.close()
  await rm(dir, { recursive: true, force: true })
})

/** Runs the bundle against the simulator with the static token; `workspace` is GITHUB_WORKSPACE. */
function callSim(inputs: Record<string, string>, workspace = dir): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { url: sim().url, token, ...inputs },
    env: { GITHUB_WORKSPACE: workspace },
    killAfterMs: 60_000
  })
}

describe('JSON nested 30,000 deep from a hostile server', () => {
  beforeEach(() => {
    server.reset()
    // Operation 2 answers 60 KB of nesting; the others answer a small object.
    server.handle((req, res) => {
      const deep = (req.url ?? '').endsWith('/Op2')
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(deep ? Deep : '{"ok":true}')
    })
  })

  function callServer(inputs: Record<string, string>): Promise<ActionRun> {
    return runAction({
      killAfterMs: 60_000,
      inputs: { url: server.url, token, ...inputs },
      env: { NODE_EXTRA_CA_CERTS: ca.caFile }
    })
  }

  it('a many-calls step with the deep answer in call 2 runs all 6 calls and reports 6', async () => {
    const calls = [1, 2, 3, 4, 5, 6]
      .map(n => `- service-name: FaultGroup/FaultService/Op${n}\n  fail-when: "@ == 'stop'"`)
      .join('\n')
    const run = await callServer({ calls, concurrency: '2' })

    expect(errors(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ total: '6', succeeded: '6', failed: '0' })
    expect(server.requests.map(r => r.path).sort()).toEqual(
      [1, 2, 3, 4, 5, 6].map(n => `/api/services/FaultGroup/FaultService/Op${n}`)
    )
    const lines = await readFile(fromActionPath(run.outputs['results-file'] ?? ''), 'utf8')
    expect(runnerLines(lines).filter(Boolean)).toHaveLength(6)
    // The deep answer is in the results file as received, on its one line.
    expect(lines).toContain(`"response":${Deep},`)
    expectNoSecretLeaks(run, [token])
  })

  it('a check that shows the deep value fails that call only; the others run', async () => {
    const calls = [1, 2, 3]
      .map(n => `- service-name: FaultGroup/FaultService/Op${n}\n  fail-when: "@"`)
      .join('\n')
    const run = await callServer({ calls })

    expect(run.outputs).toMatchObject({ total: '3', succeeded: '0', failed: '3' })
    const lines = await readResults(run)
    expect(lines.map(line => line['status'])).toEqual([200, 200, 200])
    expect(String(lines[1]?.['error'])).toMatch(
      /^POST \S+\/Op2 failed: fail-when '@' evaluated to \[{50,}… \(HTTP 200\)$/
    )
    expectNoSecretLeaks(run, [token])
  })

  it('a single call with enable-exception false warns and sets every output', async () => {
    const run = await callServer({
      'service-name': 'FaultGroup/FaultService/Op2',
      'fail-when': '@',
      'enable-exception': 'false'
    })

    expect(run.exitCode).toBe(0)
    expect(run.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(run.outputs).toMatchObject({ status: '200', attempts: '1', response: Deep })
    expect(run.outputs['error']).toMatch(/failed: fail-when '@' evaluated to \[+…/)
    expect(run.annotations).toEqual([{ level: 'warning', message: run.outputs['error'] }])
    expect(run.summary).toContain('<summary>Response body</summary>')
    expectNoSecretLeaks(run, [token])
  })
})

describe('a secret echoed at any offset of a check value or a page title', () => {
  // A bearer token of 93 characters, as F&O may echo the request it was given.
  const echoed = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${'Ab3_'.repeat(13)}.sig-Zq9`

  /** The server puts the token after `offset` characters of a check value or a page title. */
  function echoAt(offset: number): void {
    const text = `${'q'.repeat(offset)}${echoed}${'q'.repeat(40)}`
    server.handle((req, res) => {
      if ((req.url ?? '').endsWith('/Title')) {
        res.writeHead(200, { 'Content-Type': 'text/html' })
        res.end(`<html><head><title>${text}</title></head></html>`)
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ Status: text }))
      }
    })
  }

  function call(operation: string, inputs: Record<string, string>): Promise<ActionRun> {
    return runAction({
      killAfterMs: 60_000,
      inputs: {
        'service-name': `FaultGroup/FaultService/${operation}`,
        url: server.url,
        token: echoed,
        ...inputs
      },
      env: { NODE_EXTRA_CA_CERTS: ca.caFile }
    })
  }

  /** No 8-character beginning of the token in the log (but its mask), stderr, summary or outputs (but the body). */
  function expectNoPiece(run: ActionRun): void {
    const piece = echoed.slice(0, 8)
    const log = runnerLines(run.stdout)
      .filter(line => line !== `::add-mask::${echoed}`)
      .join('\n')
    expect(log).not.toContain(piece)
    expect(run.stderr).not.toContain(piece)
    expect(run.summary).not.toContain(piece)
    const outputs = Object.entries(run.outputs).filter(([name]) => name !== 'response')
    expect(JSON.stringify(outputs)).not.toContain(piece)
  }

  it.each([0, 120, 150, 175, 190, 196, 199, 200, 260])(
    'in the value fail-when shows, and in the title of an HTML page, at offset %i',
    async offset => {
      echoAt(offset)
      const value = await call('Value', { 'fail-when': 'Status' })
      expect(value.outputs['error']).toMatch(/failed: fail-when 'Status' evaluated to "q*/)
      expectNoPiece(value)

      const title = await call('Title', {})
      expect(title.outputs['error']).toMatch(/failed: HTTP 200 with an HTML page \('q*/)
      expectNoPiece(title)
    }
  )

  it.each([150, 196])('in the value a poll line shows, at offset %i', async offset => {
    echoAt(offset)
    // The value a poll line shows is the one that ends the wait (a "not yet" value is falsy).
    const run = await call('Value', { until: 'Status', 'poll-interval': '1' })
    expect(run.exitCode).toBe(0)
    // Its time rounds up, and the first round includes the connection: 1 s, or 2 on a loaded machine.
    expect(run.stdout).toMatch(/^Poll 1 \(\d+ s\): Status = "q+/m)
    expectNoPiece(run)
  })
})

describe('payload numbers are sent as written', () => {
  const numbers = '{"RecId": 9223372036854775807, "Amount": 1234567890123456.78, "Huge": 1e400}'

  it('from calls in YAML and in JSON, and from a call line of calls-file: byte for byte', async () => {
    const yaml = `
- name: yaml
  service-name: ${echo}
  payload:
    RecId: 9223372036854775807
    Amount: 1234567890123456.78
    Huge: 1e400
- name: json in yaml
  service-name: ${echo}
  payload: ${numbers}
`
    const fromYaml = await callSim({ calls: yaml })
    expect(errors(fromYaml)).toEqual([])
    expect(
      serviceRequests(sim())
        .map(r => r.bodyBytes.toString('utf8'))
        .sort()
    ).toEqual(
      [
        '{"RecId":9223372036854775807,"Amount":1234567890123456.78,"Huge":1e400}',
        '{"RecId":9223372036854775807,"Amount":1234567890123456.78,"Huge":1e400}'
      ].sort()
    )

    sim().reset()
    const fromJson = await callSim({
      calls: `[{"service-name": "${echo}", "payload": ${numbers}}]`
    })
    expect(errors(fromJson)).toEqual([])
    expect(serviceRequests(sim()).map(r => r.bodyBytes.toString('utf8'))).toEqual([numbers])

    sim().reset()
    const file = path.join(dir, 'numbers.jsonl')
    await writeFile(file, `{"service-name": "${echo}", "payload": ${numbers}}\n`)
    const fromFile = await callSim({ 'calls-file': file })
    expect(errors(fromFile)).toEqual([])
    expect(serviceRequests(sim()).map(r => r.bodyBytes.toString('utf8'))).toEqual([numbers])
  })

  it('refuses a YAML number it cannot send exactly, naming the call, before any request', async () => {
    const run = await callSim({
      calls: `- name: Post amounts\n  service-name: ${echo}\n  payload: { Amount: .inf }\n`
    })

    expectFailure(
      run,
      /^Invalid calls: item 1 \('Post amounts'\): 'payload' has the number \.inf, which cannot be sent exactly as JSON/
    )
    expect(sim().requests).toEqual([])
  })
})

describe('calls-file lines', () => {
  it('a line that is not valid UTF-8 fails on its own, naming the line and the byte offset', async () => {
    const file = path.join(dir, 'latin1.jsonl')
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('{"_request": "first"}\n{"_request": "M'),
        Buffer.from([0xfc]),
        Buffer.from('ller"}\n{"_request": "third ü"}\n')
      ])
    )
    const run = await callSim({ 'service-name': echo, 'calls-file': file })

    expectFailure(run, /^1 of 3 calls failed: line 2$/)
    expect(run.outputs).toMatchObject({ total: '3', succeeded: '2', failed: '1' })
    expect(
      serviceRequests(sim())
        .map(r => r.body)
        .sort()
    ).toEqual(['{"_request": "first"}', '{"_request": "third ü"}'])
    const lines = await readResults(run)
    expect(lines[1]).toMatchObject({
      line: 2,
      attempts: 0,
      error:
        'line 2 of calls-file: not valid UTF-8 (JSON Lines is UTF-8): byte 0xFC at byte offset 15 of the line'
    })
  })

  it('with calls-file-format payloads, a record whose keys are call keys is sent as a payload', async () => {
    const file = path.join(dir, 'export.jsonl')
    const record = '{"service-name": "Admin/Purge/PurgeAllCustomers", "payload": {"all": true}}'
    await writeFile(file, `${record}\n`)
    const run = await callSim({ 'service-name': echo, 'calls-file': file })

    expect(errors(run)).toEqual([])
    const sent = serviceRequests(sim())
    expect(sent.map(r => `${r.method} ${r.path}`)).toEqual([`POST /api/services/${echo}`])
    expect(sent[0]?.body).toBe(record)

    // Asked for explicitly, the same line is a call object (control).
    sim().reset()
    const calls = await callSim({
      'service-name': echo,
      'calls-file': file,
      'calls-file-format': 'calls'
    })
    // The only operation run is the one the line names (the name doctor then lists what F&O has).
    expect(
      serviceRequests(sim())
        .filter(r => r.method === 'POST')
        .map(r => r.path)
    ).toEqual(['/api/services/Admin/Purge/PurgeAllCustomers'])
    expect(calls.outputs['total']).toBe('1')
  })
})

describe('files never eat each other', () => {
  it('results-file equal to calls-file, or a hard link to it, is refused naming both; the file is intact', async () => {
    const workspace = path.join(dir, 'same-file')
    await mkdir(workspace, { recursive: true })
    const calls = path.join(workspace, 'calls.jsonl')
    const content = `{"_request": 1}\n{"_request": 2}\n`
    await writeFile(calls, content)
    await link(calls, path.join(workspace, 'hard-link.jsonl'))

    // The action names the files with its platform's separator (a RegExp source).
    const sep = actionPath.sep.replace('\\', '\\\\')
    for (const results of ['calls.jsonl', 'hard-link.jsonl']) {
      const run = await callSim(
        { 'service-name': echo, 'calls-file': 'calls.jsonl', 'results-file': results },
        workspace
      )
      expectFailure(
        run,
        new RegExp(
          `^Invalid results-file: \\S+${sep}${results.replace('.', '\\.')} is the same file as calls-file \\(\\S+${sep}calls\\.jsonl\\)`
        )
      )
      await expect(readFile(calls, 'utf8')).resolves.toBe(content)
    }
    expect(sim().requests).toEqual([])
  })

  it('a calls-file line whose payload-file is the results-file fails that line; nothing of it is sent', async () => {
    const workspace = path.join(dir, 'line-payload-file')
    await mkdir(workspace, { recursive: true })
    await writeFile(
      path.join(workspace, 'calls.jsonl'),
      `{"service-name": "${echo}", "payload": {"_request": 1}}\n` +
        `{"service-name": "${echo}", "payload-file": "results.jsonl"}\n`
    )
    const run = await callSim(
      { 'calls-file': 'calls.jsonl', 'results-file': 'results.jsonl', 'enable-exception': 'false' },
      workspace
    )

    expect(run.outputs).toMatchObject({ total: '2', succeeded: '1', failed: '1' })
    const lines = await readResults(run)
    expect(lines[1]).toMatchObject({ attempts: 0 })
    expect(String(lines[1]?.['error'])).toMatch(
      /payload-file \S+results\.jsonl is the results-file, which this step writes$/
    )
    expect(sim().requests.filter(request => request.kind === 'service')).toHaveLength(1)
  })

  it('a calls-file outside GITHUB_WORKSPACE and RUNNER_TEMP is refused before any request', async () => {
    const outside = path.join(dir, 'outside.jsonl')
    await writeFile(outside, '{"_request": 1}\n')
    const workspace = path.join(dir, 'workspace-elsewhere')
    await mkdir(workspace, { recursive: true })
    const run = await callSim({ 'service-name': echo, 'calls-file': outside }, workspace)

    expectFailure(
      run,
      /^Invalid calls-file '\S+outside\.jsonl': it resolves to \S+, which is not inside GITHUB_WORKSPACE/
    )
    expect(sim().requests).toEqual([])
  })
})

describe('no input value issues a runner command', () => {
  const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
    inputs: Record<string, unknown>
  }
  // Secrets are registered as masks and never printed; each is swept by the secret-hygiene check.
  const secretInputs = new Set([
    'token',
    'client-secret',
    'client-certificate',
    'client-certificate-password'
  ])
  const manyCallInputs = new Set(['results-file', 'concurrency', 'calls-file-format'])
  const swept = Object.keys(action.inputs).filter(name => !secretInputs.has(name))

  // A path must stay a path the file system takes (no '/', short names) to reach the log. On
  // Windows a name cannot hold ':' or a line break (the action refuses those there, as its
  // path-containment tests show), so only `##[cmd]`, which acts anywhere in a line, is left.
  const hostileResultsFile =
    actionPlatform === 'win32'
      ? `out/${Mark} ##[add-mask]${Mark}-v1 mid ##[error]${Mark}-mid.jsonl`
      : `out/${Mark}\n::warning::${Mark}-v2\r::add-mask::${Mark}-cr\n##[add-mask]${Mark}-v1 mid ##[error]${Mark}-mid.jsonl`

  it.each(swept)('%s', async name => {
    // A single call, or one call of many for the inputs that belong to many calls; the input
    // under test holds every command syntax, at line starts, after white space and mid-line.
    const base: Record<string, string> = manyCallInputs.has(name)
      ? { calls: `- service-name: ${echo}`, 'calls-file-format': '' }
      : { 'service-name': echo, payload: '{}' }
    const value = name === 'results-file' ? hostileResultsFile : hostileText()
    const run = await callSim({ ...base, [name]: value })

    expectNoServerCommands(run)
    // The results file's path is logged: inert, yet there.
    if (name === 'results-file') {
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain(`##[\\add-mask]${Mark}-v1`)
    }
  })
})
