/**
 * The doctors of a wrong name, a wrong payload and throttling, end to end against the bundle:
 * each failure gets the sentence that says what to fix, and the simulator's request log shows
 * what the doctor asked F&O, and that it asked no more.
 */
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runnerLines, toActionPath, type ActionRun } from '../../scripts/action-runner.mjs'
import { errors, expectFailure, readResults, warnings } from '../../__fixtures__/run-assertions.js'
import {
  clientSecretInputs,
  runAgainst,
  serviceRequests,
  useSimulator
} from '../../__fixtures__/simulator.js'
import { useTempFolder } from '../../__fixtures__/temp-folder.js'
import { ThrottleMessages, type RecordedRequest } from '../../sim/index.mjs'

const app = { clientId: 'doctors-app-5b2e', clientSecret: 'doctors-secret~Q8.n_61' }
const token = 'doctors-static-token-41c7'
const typo = 'UserSessionService/AifUserSessionService/GetUserSessionInfos'
const create = 'SimTestService/ContractService/CreateCustomer'
const echo = 'SimTestService/EchoService/Echo'
const ContractType = 'Dynamics\\.AX\\.Application\\.SimCustomerContract'

const sim = useSimulator({ clients: [app], staticTokens: [token] })

const folder = useTempFolder('doctors-e2e-')

/** The action with the static token, the temp folder as its workspace (calls-file is read there). */
function run(inputs: Record<string, string>): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { url: sim().url, token, ...inputs },
    env: { GITHUB_WORKSPACE: toActionPath(folder()) }
  })
}

/** A calls-file of `lines` (JSON values), in the run's workspace folder. */
async function callsFile(name: string, lines: unknown[]): Promise<string> {
  const file = path.join(folder(), name)
  await writeFile(file, lines.map(line => JSON.stringify(line)).join('\n'))
  return file
}

const byMethod = (method: string): RecordedRequest[] =>
  serviceRequests(sim()).filter(request => request.method === method)
const paths = (requests: RecordedRequest[]): string[] => requests.map(request => request.path)

describe('the name doctor', () => {
  it('names the operation F&O lists for a mistyped one, from one GET of the service', async () => {
    const result = await run({ 'service-name': typo, payload: '{}' })

    const error = expectFailure(result, /failed: HTTP 404 Not Found — /)
    expect(error).toMatch(
      / — F&O has no operation GetUserSessionInfos in UserSessionService\/AifUserSessionService; did you mean GetUserSessionInfo\?$/
    )
    // The general hint gives way to the precise one.
    expect(error).not.toContain("check 'service-name'")
    expect(paths(byMethod('POST'))).toEqual([`/api/services/${typo}`])
    expect(paths(byMethod('GET'))).toEqual([
      '/api/services/UserSessionService/AifUserSessionService'
    ])
    // attempts counts the call's own requests; the doctor's GET is not one.
    expect(result.outputs['attempts']).toBe('1')
  })

  it('climbs to the groups for a mistyped group: 3 GETs at most', async () => {
    const result = await run({
      'service-name': 'UserSessionServic/AifUserSessionService/GetUserSessionInfo',
      payload: '{}'
    })

    expect(expectFailure(result, /HTTP 404/)).toMatch(
      / — F&O has no service group UserSessionServic; did you mean UserSessionService\?$/
    )
    expect(paths(byMethod('GET'))).toEqual([
      '/api/services/UserSessionServic/AifUserSessionService',
      '/api/services/UserSessionServic',
      '/api/services'
    ])
  })

  it('makes no more than 3 GETs for 100 calls with the same typo', async () => {
    const file = await callsFile(
      'typo.jsonl',
      Array.from({ length: 100 }, (_, index) => ({ index }))
    )
    const result = await run({
      'service-name': 'UserSessionServic/AifUserSessionService/GetUserSessionInfo',
      'calls-file': toActionPath(file),
      concurrency: '8'
    })

    expect(result.outputs).toMatchObject({ total: '100', failed: '100' })
    expect(byMethod('POST')).toHaveLength(100)
    expect(byMethod('GET').length).toBeLessThanOrEqual(3)
    const lines = await readResults(result)
    expect(lines.map(line => line['error'])).toEqual(
      lines.map(() => expect.stringMatching(/did you mean UserSessionService\?$/))
    )
  })

  it("sends nothing more for a gateway's HTML 404 page, and keeps the general hint", async () => {
    sim().script(typo, {
      status: 404,
      body: '<html><head><title>404 - Not Found</title></head><body>Gateway</body></html>',
      headers: { 'content-type': 'text/html' }
    })
    const result = await run({ 'service-name': typo, payload: '{}' })

    expect(expectFailure(result, /HTTP 404 Not Found — 404 - Not Found — /)).toMatch(
      /no such service: check 'service-name'/
    )
    expect(serviceRequests(sim())).toHaveLength(1)
  })

  it("asks F&O for an empty 404 too: it is F&O's", async () => {
    sim().script(typo, { status: 404 })
    const result = await run({ 'service-name': typo, payload: '{}' })

    expect(expectFailure(result, /HTTP 404/)).toMatch(/did you mean GetUserSessionInfo\?$/)
    expect(byMethod('GET')).toHaveLength(1)
  })
})

describe('the contract doctor', () => {
  it("names '_contract' for a payload that says 'contract', from 1 extra GET", async () => {
    const result = await run({
      'service-name': create,
      payload: '{"contract": {"CustomerAccount": "US-042"}}'
    })

    const error = expectFailure(
      result,
      /failed: HTTP 500 Internal Server Error — Object reference not set to an instance of an object\. \(System\.NullReferenceException, ActivityId [0-9a-f-]{36}\) — /
    )
    expect(error).toMatch(
      new RegExp(
        `— the payload does not match the parameters of CreateCustomer: 'contract' is not one of them — did you mean '_contract' \\(${ContractType}\\)\\?; '_dryRun' \\(Boolean\\) is missing$`
      )
    )
    expect(paths(byMethod('POST'))).toEqual([`/api/services/${create}`])
    expect(paths(byMethod('GET'))).toEqual([`/api/services/${create}`])
  })

  it('says nothing more when the payload matches', async () => {
    const result = await run({
      'service-name': 'SimTestService/EchoService/Fail',
      payload: '{"_accountNum": "X"}'
    })

    expect(expectFailure(result, /HTTP 500/)).toMatch(
      /Invalid account number\. \(XppServicesException, ActivityId [0-9a-f-]{36}\)$/
    )
    expect(byMethod('GET')).toHaveLength(1)
  })
})

describe('check-contract', () => {
  it('fails an unknown key before any POST', async () => {
    const result = await run({
      'service-name': create,
      payload: '{"contract": {"CustomerAccount": "US-042"}, "_dryRun": true}',
      'check-contract': 'true'
    })

    expect(
      expectFailure(
        result,
        new RegExp(
          `^POST ${sim().url.replace(/\./g, '\\.')}/api/services/${create} was not sent — check-contract: `
        )
      )
    ).toMatch(
      new RegExp(
        `the payload does not match the parameters of CreateCustomer: 'contract' is not one of them — did you mean '_contract' \\(${ContractType}\\)\\?$`
      )
    )
    expect(result.outputs).toMatchObject({ status: '', attempts: '0' })
    expect(byMethod('POST')).toEqual([])
    expect(paths(byMethod('GET'))).toEqual([`/api/services/${create}`])
  })

  it("reads the payload of payload-file, the step's and a call's, as it reads payload", async () => {
    await writeFile(
      path.join(folder(), 'customer.json'),
      '{"contract": {"CustomerAccount": "US-042"}, "_dryRun": true}'
    )
    const mismatch = /'contract' is not one of them — did you mean '_contract'/
    const single = await run({
      'service-name': create,
      'payload-file': 'customer.json',
      'check-contract': 'true'
    })
    expect(expectFailure(single, /was not sent — check-contract: /)).toMatch(mismatch)

    const many = await run({
      calls: `- {service-name: ${create}, payload-file: customer.json}`,
      'check-contract': 'true',
      'enable-exception': 'false'
    })
    expect(many.outputs).toMatchObject({ total: '1', failed: '1' })
    expect(String((await readResults(many))[0]?.['error'])).toMatch(mismatch)
    expect(byMethod('POST')).toEqual([])
  })

  it('makes one GET per distinct operation across 50 calls, and warns once of a missing parameter', async () => {
    const lines = Array.from({ length: 50 }, (_, index) =>
      index % 5 === 4
        ? { 'service-name': create, payload: { contract: { CustomerAccount: `US-${index}` } } }
        : index % 2 === 0
          ? { 'service-name': create, payload: { _contract: { CustomerAccount: `US-${index}` } } }
          : { 'service-name': echo, payload: { _request: { index } } }
    )
    const result = await run({
      'calls-file': toActionPath(await callsFile('contracts.jsonl', lines)),
      'check-contract': 'true',
      'enable-exception': 'false'
    })

    expect(result.outputs).toMatchObject({ total: '50', succeeded: '40', failed: '10' })
    expect(paths(byMethod('GET')).sort()).toEqual([
      `/api/services/${create}`,
      `/api/services/${echo}`
    ])
    // The ten calls with 'contract' never reached the operation.
    expect(byMethod('POST')).toHaveLength(40)
    expect(byMethod('POST').map(request => JSON.parse(request.body) as unknown)).not.toContainEqual(
      expect.objectContaining({ contract: expect.anything() })
    )
    const failed = (await readResults(result)).filter(line => line['error'] !== null)
    expect(failed.map(line => [line['status'], line['attempts']])).toEqual(
      failed.map(() => [null, 0])
    )
    expect(failed[0]?.['error']).toMatch(
      /was not sent — check-contract: .*did you mean '_contract'/
    )
    expect(warnings(result)).toEqual([
      `check-contract: ${create}: '_dryRun' (Boolean) is missing from the payload; X++ runs with its default value`,
      expect.stringMatching(/^10 of 50 calls failed/)
    ])
  })
})

describe('the throttling doctor', () => {
  it("names resource-based protection and the app's priority, and sets throttled-sec (single call)", async () => {
    const throttled = {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { Message: ThrottleMessages.resource }
    }
    sim().script(typo.replace(/s$/, ''), [throttled, throttled])
    const result = await runAgainst(sim(), {
      inputs: { ...clientSecretInputs(sim(), app), 'service-name': typo.replace(/s$/, '') }
    })

    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ status: '200', attempts: '3', 'throttled-sec': '2' })
    const line =
      "Throttled: 2 HTTP 429 answers, longest Retry-After 1 s, 2 s spent waiting — F&O's message names high resource utilisation " +
      `(resource-based service protection): raise the priority of app ${app.clientId} under System administration › Setup › Throttling priority mapping, ` +
      'or run the calls when the environment is less busy'
    expect(runnerLines(result.stdout)).toContain(line)
    expect(result.summary).toContain('<strong>Throttling:</strong> Throttled: 2 HTTP 429 answers')
  })

  it('names user-based limits across many calls, with the app that signed in', async () => {
    sim().throttle({ rate: 4, burst: 2, kind: 'user' })
    const file = await callsFile(
      'throttled.jsonl',
      Array.from({ length: 12 }, (_, index) => ({ index }))
    )
    const result = await runAgainst(sim(), {
      inputs: {
        ...clientSecretInputs(sim(), app),
        'service-name': echo,
        'calls-file': toActionPath(file),
        concurrency: '4'
      },
      env: { GITHUB_WORKSPACE: toActionPath(folder()) }
    })

    expect(result.outputs).toMatchObject({ total: '12', succeeded: '12' })
    const refused = serviceRequests(sim()).filter(request => request.throttled)
    expect(refused.length).toBeGreaterThan(0)
    expect(Number(result.outputs['throttled-sec'])).toBeGreaterThanOrEqual(1)
    const line = runnerLines(result.stdout).find(text => text.startsWith('Throttled: '))
    expect(line).toMatch(
      new RegExp(
        `^Throttled: ${refused.length} HTTP 429 answers?, longest Retry-After 1 s, \\d+ s spent waiting — ` +
          "F&O's message names a request, execution-time or concurrency limit \\(user-based service protection: .*\\): " +
          `spread the calls over time .* \\(app ${app.clientId} signed in\\)$`
      )
    )
  })

  it('says nothing and sets throttled-sec 0 when no 429 came', async () => {
    const result = await run({ 'service-name': typo.replace(/s$/, '') })

    expect(result.outputs).toMatchObject({ status: '200', 'throttled-sec': '0' })
    expect(result.stdout).not.toContain('Throttled:')
    expect(errors(result)).toEqual([])
  })
})
