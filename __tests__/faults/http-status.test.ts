import { describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure, expectOutputs, logModes } from '../../__fixtures__/run-assertions.js'
import { runAgainst, serviceRequests, useSimulator } from '../../__fixtures__/simulator.js'

// F&O answers, but not with success: each status gets a line that says what to fix.

const token = 'fault-http-token-7a0b3e'
const clientId = 'fault-http-app'
const clientSecret = 'fault-http-secret~Zk.9_41'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [{ clientId, clientSecret }], staticTokens: [token] })

function call(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}', ...inputs },
    env
  })
}

function expectNoLeaks(result: ActionRun): void {
  expectNoSecretLeaks(result, [token, clientSecret, ...sim().issuedTokens])
}

const url = (service: string): string => `https://127\\.0\\.0\\.1:\\d+/api/services/${service}`

describe('HTTP errors from F&O', () => {
  it('401 with WWW-Authenticate (token for another resource): names url, keeps the challenge', async () => {
    const result = await call({
      token: '',
      url: 'https://contoso-test.sandbox.operations.dynamics.com',
      'system-url': sim().url,
      tenant: sim().tenant,
      'authority-host': sim().authorityHost,
      'client-id': clientId,
      'client-secret': clientSecret
    })

    expectFailure(
      result,
      new RegExp(
        `^POST ${url(sessionInfo)} failed: HTTP 401 Unauthorized — the token looks right \\(for 'https://contoso-test\\.sandbox\\.operations\\.dynamics\\.com', tenant ${sim().tenant}, valid until [0-9T:-]+Z\\), ` +
          `so the likely cause is the app's registration in F&O: register application '${clientId}' in F&O under System administration › Setup › Microsoft Entra applications and map it to a user who may run this service; ` +
          `or, as 'system-url' \\(127\\.0\\.0\\.1:\\d+\\) is another host than 'url', check that 'url' is that environment's URL$`
      )
    )
    expectOutputs(result, { status: '401', attempts: '1' })
    expect(JSON.parse(result.outputs['headers'])['www-authenticate']).toMatch(
      /^Bearer authorization_uri=.*error="invalid_token"$/
    )
    expect(sim().tokenGrants.map(g => g.audience)).toEqual([
      'https://contoso-test.sandbox.operations.dynamics.com'
    ])
    expect(serviceRequests(sim())[0].headers['authorization']).toBe(
      `Bearer ${sim().issuedTokens[0]}`
    )
    expectNoLeaks(result)
  })

  it('403: F&O’s message, and where to register the app', async () => {
    const message = "The user 'fault-http-app' is not authorized to run 'GetUserSessionInfo'."
    sim().script(sessionInfo, { status: 403, body: { Message: message } })
    const result = await call({})

    const error = expectFailure(
      result,
      new RegExp(`^POST ${url(sessionInfo)} failed: HTTP 403 Forbidden — `)
    )
    expect(error).toContain(`— ${message} — `)
    expect(error).toMatch(
      / — check that the application is registered in F&O under System administration › Setup › Microsoft Entra applications and mapped to a user who may run this service$/
    )
    expectOutputs(result, { status: '403', attempts: '1' })
    expect(JSON.parse(result.outputs['response'])).toEqual({ Message: message })
    expectNoLeaks(result)
  })

  it('404 for a wrong operation name: F&O’s message, and the name F&O lists instead', async () => {
    const result = await call({
      'service-name': 'UserSessionService/AifUserSessionService/GetUserSesionInfo'
    })

    const error = expectFailure(
      result,
      new RegExp(
        `^POST ${url('UserSessionService/AifUserSessionService/GetUserSesionInfo')} failed: HTTP 404 Not Found — `
      )
    )
    expect(error).toMatch(
      /— No HTTP resource was found that matches the request URI '[^']+GetUserSesionInfo'\. — F&O has no operation GetUserSesionInfo in UserSessionService\/AifUserSessionService; did you mean GetUserSessionInfo\?$/
    )
    expectOutputs(result, { status: '404', attempts: '1' })
    expectNoLeaks(result)
  })

  it.each(logModes)(
    '500 with an X++ exception: F&O’s message and exception type, body in the output ($mode)',
    async ({ env }) => {
      const result = await call(
        { 'service-name': 'SimTestService/EchoService/Fail', payload: '{"_accountNum": "US-404"}' },
        env
      )

      expectFailure(
        result,
        new RegExp(
          `^POST ${url('SimTestService/EchoService/Fail')} failed: HTTP 500 Internal Server Error — ` +
            'Invalid account number\\. \\(XppServicesException, ActivityId [0-9a-f-]{36}\\)$'
        )
      )
      expectOutputs(result, { status: '500', attempts: '1' })
      expect(JSON.parse(result.outputs['response'])).toMatchObject({
        ExceptionType: 'XppServicesException'
      })
      // Not retried: the operation ran, and a POST may not be repeatable. The contract doctor
      // read the operation's contract once, and found the payload matches it.
      expect(serviceRequests(sim()).map(request => request.method)).toEqual(['POST', 'GET'])
      expectNoLeaks(result)
    }
  )

  it.each([
    [
      502,
      'Bad Gateway',
      '502 - Web server received an invalid response while acting as a gateway or proxy server.',
      '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title>' +
        '<style type="text/css">body{margin:0;font-size:.7em;}</style></head><body><div id="header"><h1>Server Error</h1></div>' +
        '<div id="content"><fieldset><h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>' +
        '<h3>There is a problem with the page you are looking for, and it cannot be displayed.</h3></fieldset></div></body></html>'
    ],
    [
      503,
      'Service Unavailable',
      'Service Unavailable',
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n' +
        '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n'
    ]
  ])(
    '%i with an HTML page: the page title, not the markup',
    async (status, reason, title, html) => {
      sim().script(sessionInfo, {
        status,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
        body: html
      })
      const result = await call({})

      const error = expectFailure(
        result,
        new RegExp(`^POST ${url(sessionInfo)} failed: HTTP ${status} ${reason} — `)
      )
      expect(error.endsWith(`— ${title}`)).toBe(true)
      expect(error).not.toMatch(/[<>]|DOCTYPE|font-size/)
      expectOutputs(result, { status: String(status), attempts: '1' })
      expect(result.outputs['response']).toBe(html)
      expect(serviceRequests(sim())).toHaveLength(1)
      expectNoLeaks(result)
    }
  )
})
