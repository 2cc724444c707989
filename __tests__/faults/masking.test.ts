import { describe, expect, it } from '@jest/globals'
import { runAction, runnerLines, type ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'
import { expectFailure } from '../../__fixtures__/run-assertions.js'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// mask-response keeps every byte of the body out of everything but the `response` and
// `response-file` outputs, with one mask, not thousands; and a secret a server echoes back, in
// whatever encoding, is scrubbed before any message is cut, so no piece of it survives a cut.

// 83 characters, as the echoed token of the report that found 75 of them surviving a cut.
const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.echo-${'t0k3n'.repeat(7)}.sig-0123456789`
// Characters that URL, form and HTML encoding each write differently.
const app = { clientId: 'masking-app', clientSecret: "Mk8~echo.Secret_v4 l+u/e&<'x" }
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const sim = useSimulator({ clients: [app], staticTokens: [token] })

function call(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}', ...inputs }
  })
}

/** stdout without the `::add-mask::` lines, which the runner never shows. */
function shown(run: ActionRun): string {
  return runnerLines(run.stdout)
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
}

/** Everything a run leaves where people or later steps can read it, but the body outputs. */
function everywhereButTheBody(run: ActionRun): Record<string, string> {
  const outputs = Object.fromEntries(
    Object.entries(run.outputs).filter(([name]) => name !== 'response' && name !== 'response-file')
  )
  return {
    log: shown(run),
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(outputs)
  }
}

describe('mask-response', () => {
  const words = ['Confidential4711', 'SecretCustomerX', 'SecretExceptionTypeZ', 'RefusedBecause']

  it.each([
    [
      "F&O's JSON Message and ExceptionType",
      500,
      {
        Message: `Order ${words[0]} for ${words[1]}: ${words[3]}`,
        ExceptionType: words[2]
      }
    ],
    [
      'the title of an HTML page',
      502,
      `<html><head><title>${words.join(' ')}</title></head><body>${words.join(' ')}</body></html>`
    ]
  ])(
    '%s reach neither the error line, the error output nor the summary',
    async (_n, status, body) => {
      sim().script(sessionInfo, { status, body })
      const run = await call({ 'mask-response': 'true' })

      const line = expectFailure(run, new RegExp(`failed: HTTP ${status}`))
      expect(line).toContain("the service's message is not shown: mask-response")
      for (const [place, text] of Object.entries(everywhereButTheBody(run))) {
        for (const word of words)
          expect({ place, word, found: text.includes(word) }).toEqual({ place, word, found: false })
      }
      expect(run.outputs['response']).toContain(words[2])
    }
  )

  it('registers a one-line body of 10,000 records as one mask', async () => {
    const body = { Value: Array.from({ length: 10_000 }, (_, i) => ({ Id: i, Ok: true })) }
    sim().script(sessionInfo, { body })
    const run = await call({ 'mask-response': 'true' })

    expect(run.exitCode).toBe(0)
    const masks = runnerLines(run.stdout).filter(line => line.startsWith('::add-mask::'))
    // The given token, and the body once.
    expect(masks).toEqual([`::add-mask::${token}`, `::add-mask::${JSON.stringify(body)}`])
  })

  it('registers at most 100 lines of a pretty-printed body, none under 8 characters, and says so', async () => {
    const body = JSON.stringify(
      { Value: Array.from({ length: 10_000 }, (_, i) => ({ Name: `customer ${i}`, Ok: true })) },
      null,
      2
    )
    sim().script(sessionInfo, { body, headers: { 'content-type': 'application/json' } })
    const run = await call({ 'mask-response': 'true' })

    expect(run.exitCode).toBe(0)
    const masks = runnerLines(run.stdout).filter(line => line.startsWith('::add-mask::'))
    expect(masks.length).toBeLessThanOrEqual(101)
    expect(masks.every(mask => mask.length >= '::add-mask::'.length + 8)).toBe(true)
    expect(run.annotations).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          /^mask-response: the response has \d+ distinct lines; the first 100 are masked\./
        )
      }
    ])
    expect(shown(run)).not.toContain('customer 1')
    expect(run.summary).not.toContain('customer')
  })
})

/** Every `length`-character piece of `text`. */
function pieces(text: string, length = 10): string[] {
  return Array.from({ length: Math.max(0, text.length - length + 1) }, (_, i) =>
    text.slice(i, i + length)
  )
}

/** The base64 characters that depend on `secret` alone, at each of three alignments after `prefix`. */
function base64Of(prefix: string, secret: string): string {
  const encoded = Buffer.from(`${prefix}${secret}`).toString('base64')
  const start = Math.ceil((Buffer.byteLength(prefix) * 4) / 3)
  return encoded.slice(
    start,
    Math.floor(((Buffer.byteLength(prefix) + Buffer.byteLength(secret)) * 4) / 3)
  )
}

/** Asserts that no 10-character piece of any form is readable anywhere outside the masks. */
function expectNoPieces(run: ActionRun, forms: Record<string, string>): void {
  for (const [place, text] of Object.entries(everywhereButTheBody(run))) {
    for (const [form, value] of Object.entries(forms)) {
      const found = pieces(value).filter(piece => text.includes(piece))
      expect({ place, form, found }).toEqual({ place, form, found: [] })
    }
  }
}

describe('secrets a server echoes', () => {
  it('F&O echoes the bearer token in a long error: scrubbed before the cut, no piece left', async () => {
    // The token straddles the 300-character cut of the message, as in the report.
    const message = `${'m'.repeat(240)} Authorization: Bearer ${token} (base64 ${Buffer.from(`Bearer ${token}`).toString('base64')})`
    sim().script(sessionInfo, { status: 500, body: { Message: message } })
    // The `response` output is the body byte for byte, echo included: data is never rewritten
    // (the runner masks the token wherever a later step prints it). Everything else is checked.
    const run = await runAction({
      inputs: { 'service-name': sessionInfo, url: sim().url, token, payload: '{}' },
      env: { NODE_EXTRA_CA_CERTS: sim().caFile }
    })
    expect(run.outputs['response']).toContain(token)
    expectNoSecretLeaks(
      {
        ...run,
        outputFile: run.outputFile.replace(/^response<<(\S+)\r?\n[\s\S]*?\r?\n\1\r?$/m, '')
      },
      [token]
    )

    expectFailure(run, /failed: HTTP 500 Internal Server Error — m+ Authorization: Bearer \*\*\*/)
    expectNoPieces(run, { token, base64: base64Of('Bearer ', token) })
  })

  it('the token endpoint echoes the client secret raw, URL- and form-encoded, in base64 and HTML-escaped', async () => {
    const secret = app.clientSecret
    const forms = {
      raw: secret,
      url: encodeURIComponent(secret),
      form: new URLSearchParams({ s: secret }).toString().slice(2),
      base64: base64Of(`${app.clientId}:`, secret),
      html: secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#39;')
    }
    const echo = Object.entries(forms)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')
    sim().script('token', {
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: `AADSTS7000215: ${'y'.repeat(200)} ${echo} ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`
      }
    })
    const run = await call({ token: '', ...clientSecretInputs(sim(), app) })

    expectFailure(run, /^Token request to \S+ failed: AADSTS7000215: y+ raw=\*\*\* url=\*\*\*/)
    expectNoPieces(run, forms)
  })
})
