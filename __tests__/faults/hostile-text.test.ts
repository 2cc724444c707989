import { describe, expect, it } from '@jest/globals'
import { runnerLines, type ActionRun } from '../../scripts/action-runner.mjs'
import {
  expectExactOutputs,
  expectInertSummary,
  expectNoServerCommands,
  hostileJson,
  hostileText,
  HostileLines,
  Mark
} from '../../__fixtures__/hostile-text.js'
import { logModes } from '../../__fixtures__/run-assertions.js'
import { parseRunnerCommands } from '../../__fixtures__/runner-commands.js'
import {
  clientSecretInputs,
  runAgainst,
  useSimulator,
  federatedSignIn
} from '../../__fixtures__/simulator.js'

// Everything a server sends is untrusted: any F&O user can type it. Whatever channel it comes
// through, the runner must act on none of it as a workflow command, the job summary must render
// none of it as Markdown or HTML, and GITHUB_OUTPUT must hold exactly the action's outputs.

const token = 'hostile-text-token-5d1f0a'
const app = { clientId: 'hostile-text-app', clientSecret: 'hostile-text-secret~Wq.7_35' }
const federatedAppId = 'hostile-text-federated-app'
const subject = 'repo:contoso/hostile:ref:refs/heads/main'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({
  clients: [app],
  staticTokens: [token],
  ...federatedSignIn(federatedAppId, subject)
})

function call(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}', ...inputs },
    env
  })
}

function signIn(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return call({ token: '', ...clientSecretInputs(sim(), app), ...inputs }, env)
}

/** Every promise of the sweep, for a run that ended with `status` ('' when no answer came). */
function expectInert(run: ActionRun, status: string): void {
  expectNoServerCommands(run)
  expectInertSummary(run)
  expectExactOutputs(run, status)
}

/** The step failed with the action's own `::error::` line, which the runner still acts on. */
function expectOwnError(run: ActionRun, start: RegExp): void {
  expect(run.exitCode).toBe(1)
  const errors = parseRunnerCommands(run.stdout).filter(command => command.name === 'error')
  expect(errors.map(command => command.data)).toEqual([run.outputs['error']])
  expect(run.outputs['error']).toMatch(start)
}

describe('the response body, printed between stop-commands and a random token', () => {
  it('2xx JSON: nothing in the pretty-printed preview acts as a command', async () => {
    sim().script(sessionInfo, { body: hostileJson() })
    const run = await call()

    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(`"::add-mask::${Mark}-v2-line-start`)
    expect(JSON.parse(run.outputs['response'] ?? '')).toEqual(hostileJson())
    expect(run.summary).toContain('<summary>Response body</summary>')
    expectInert(run, '200')
  })

  it('2xx text: commands at line starts, after white space, after a carriage return and mid-line', async () => {
    sim().script(sessionInfo, { body: hostileText(), headers: { 'content-type': 'text/plain' } })
    const run = await call()

    expect(run.exitCode).toBe(0)
    // The preview holds the lines as sent: only the pause keeps the runner from acting on them.
    expect(run.stdout).toContain(`\n::add-mask::${Mark}-v2-line-start\n`)
    expect(run.stdout).toContain(`\n##[add-mask]${Mark}-v1-line-start\n`)
    expect(run.outputs['response']).toBe(hostileText())
    expectInert(run, '200')
  })

  it.each(logModes)(
    'a non-2xx body that tries stop-commands in both syntaxes cannot hide the error ($mode)',
    async ({ env }) => {
      sim().script(sessionInfo, {
        status: 500,
        body: `::stop-commands::${Mark}-a\n##[stop-commands]${Mark}-b\n${hostileText()}`,
        headers: { 'content-type': 'text/plain' }
      })
      const run = await call({}, env)

      expectOwnError(run, /^POST https:\/\/127\.0\.0\.1:\d+\/api\/services\/\S+ failed: HTTP 500/)
      expectInert(run, '500')
    }
  )
})

describe('error text in the ::error:: line, the error output and the summary', () => {
  it.each(HostileLines.map((_line, index) => index).filter(index => index % 3 === 0))(
    "F&O's JSON Message, hostile lines first from line %i",
    async first => {
      sim().script(sessionInfo, { status: 500, body: hostileJson(first) })
      const run = await call()

      expectOwnError(run, /failed: HTTP 500 Internal Server Error — /)
      expectInert(run, '500')
    }
  )

  it('the title of an HTML error page', async () => {
    const title = HostileLines.filter(line => !line.includes('<')).join(' ')
    sim().script(sessionInfo, {
      status: 400,
      body: `<html><head><title>${title}</title></head><body>${hostileText()}</body></html>`,
      headers: { 'content-type': 'text/html' }
    })
    const run = await call()

    expectOwnError(run, /failed: HTTP 400 Bad Request — ::add-mask::PWNED/)
    expectInert(run, '400')
  })

  it('a plain-text 404 that starts with a command', async () => {
    sim().script(sessionInfo, { status: 404, body: hostileText(3) })
    const run = await call()

    expectOwnError(run, /failed: HTTP 404 Not Found — ::warning::PWNED/)
    expectInert(run, '404')
  })
})

describe("the doctors' lines, built from F&O's lists, contracts and 429s", () => {
  const typo = 'UserSessionService/AifUserSessionService/GetUserSessionInfos'

  it('a service listing of hostile names: only AOT names are suggested', async () => {
    sim().script('UserSessionService/AifUserSessionService', {
      body: {
        Operations: [
          ...HostileLines.map(line => ({ Name: `GetUserSessionInfo${line}` })),
          { Name: `::error::${Mark}-name` },
          { Name: `GetUserSessionInfo##[add-mask]${Mark}` },
          { Name: 'GetUserSessionInfo' }
        ]
      }
    })
    const run = await call({ 'service-name': typo })

    expectOwnError(run, /failed: HTTP 404 Not Found — .*; did you mean GetUserSessionInfo\?$/)
    expect(run.outputs['error']).not.toContain(Mark)
    expectInert(run, '404')
  })

  it("a contract with hostile parameter types: a type is shown only as a type name's characters", async () => {
    sim().script('SimTestService/ContractService/CreateCustomer', [
      { status: 500, body: hostileJson() },
      {
        body: {
          Parameters: [
            { Name: '_contract', Type: hostileText() },
            { Name: `::error::${Mark}`, Type: 'String' }
          ]
        }
      }
    ])
    const run = await call({
      'service-name': 'SimTestService/ContractService/CreateCustomer',
      payload: '{"contract": {}}'
    })

    expectOwnError(run, /— did you mean '_contract' \([^)]*\)\?$/)
    expectInert(run, '500')
  })

  it('a 429 whose message tries commands: the throttling line quotes none of it', async () => {
    sim().script(sessionInfo, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { Message: `${hostileText()} high resource utilization` }
    })
    const run = await call()

    expect(run.exitCode).toBe(0)
    const line = runnerLines(run.stdout).find(text => text.startsWith('Throttled: '))
    expect(line).toMatch(/resource-based service protection/)
    expect(line).not.toContain(Mark)
    expect(run.outputs['throttled-sec']).toBe('1')
    expectInert(run, '200')
  })
})

describe('headers', () => {
  it('header values reach the headers output as data only', async () => {
    sim().script(sessionInfo, {
      body: { ok: true },
      headers: {
        'x-hostile-v2': `::add-mask::${Mark}-header`,
        'x-hostile-v1': `text ##[set-output name=status]${Mark}-header`,
        'x-hostile-markdown': `[${Mark}](https://evil.example) <img src=x>`
      }
    })
    const run = await call()

    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs['headers'] ?? '')).toMatchObject({
      'x-hostile-v2': `::add-mask::${Mark}-header`
    })
    expectInert(run, '200')
  })

  it('a 429 with a hostile Retry-After and body', async () => {
    sim().script(sessionInfo, {
      status: 429,
      headers: { 'retry-after': `::error::${Mark}-retry ##[add-mask]${Mark}` },
      body: hostileJson()
    })
    const run = await call({ 'retry-timeout': '00:00:01' })

    expectOwnError(run, /failed: HTTP 429 Too Many Requests — no readable Retry-After/)
    expectInert(run, '429')
  })

  it('a redirect whose Location is refused', async () => {
    sim().script('UserSessionService', {
      status: 302,
      headers: { location: `http://127.0.0.1:1/::error::${Mark}/[add-mask]${Mark}?q=##[add-mask]` }
    })
    const run = await call({ 'service-name': 'UserSessionService', method: 'GET', payload: '' })

    expectOwnError(run, /refused the redirect \(HTTP 302\) from https to http:\/\/127\.0\.0\.1:1\//)
    expectInert(run, '')
  })
})

describe('sign-in: text from the token endpoint, the OpenID metadata and GitHub OIDC', () => {
  it.each(logModes)("Entra's error_description ($mode)", async ({ env }) => {
    sim().script('token', {
      status: 400,
      body: { error: 'invalid_client', error_description: hostileText(1) }
    })
    const run = await signIn({}, env)

    expectOwnError(run, /^Token request to https:\/\/127\.0\.0\.1:\d+\/\S+ failed: /)
    expectInert(run, '')
    // A failed sign-in gets a summary too.
    expect(run.summary).toContain('<td>no response</td><td>0</td>')
  })

  it('an HTML error page from the token endpoint', async () => {
    const page = {
      status: 503,
      body: `<html><title>##[add-mask]${Mark}-title ::error::x</title>${hostileText()}</html>`,
      headers: { 'content-type': 'text/html' }
    }
    sim().script('token', page)
    // The 10 s a 5xx without Retry-After would wait is beyond retry-timeout: no retry.
    const run = await signIn({ 'retry-timeout': '00:00:01' })

    expectOwnError(run, /failed: HTTP 503/)
    expectInert(run, '')
  })

  it('the OpenID metadata answered with text', async () => {
    sim().script('metadata', { status: 404, body: hostileText(8) })
    const run = await signIn()

    expectOwnError(run, /^Token request to /)
    expectInert(run, '')
  })

  it("GitHub's OIDC service answered with an error", async () => {
    // A 4xx: a 5xx would be retried, and the simulator's next answer is a good ID token.
    sim().script('oidc', {
      status: 403,
      body: hostileText(9),
      headers: { 'content-type': 'text/plain' }
    })
    const run = await call(
      {
        token: '',
        tenant: sim().tenant,
        'authority-host': sim().authorityHost,
        'client-id': federatedAppId
      },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: sim().oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim().oidc.requestToken
      }
    )

    expectOwnError(run, /^Token request to /)
    expectInert(run, '')
  })
})
