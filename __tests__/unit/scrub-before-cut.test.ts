/**
 * Every place that prints text from a server scrubs secrets before it cuts: a secret echoed at
 * any offset of a check's value, an HTML page's title, an error body, a summary cell or the body
 * preview leaves no 8-character beginning of itself in what is printed. Property-based: the
 * secret, its offset and the text around it are generated; the text around it uses characters
 * a secret never has, so a surviving beginning can only come from the secret.
 */
import { describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { maskSecret } = await import('../../src/common/secrets.js')
const { judgeAnswer } = await import('../../src/call/outcome-check.js')
const { shownValue } = await import('../../src/common/shown-value.js')
const { serviceMessage } = await import('../../src/common/failure-message.js')
const { errorLine } = await import('../../src/common/failure.js')
const { safeLine } = await import('../../src/common/safe-line.js')
const { bodyPreview } = await import('../../src/report/summary.js')
const { code } = await import('../../src/report/calls-summary.js')
type InvokeResult = import('../../src/call/invoker.js').InvokeResult

const Label = 'POST https://h/api/services/G/S/O'

// Secrets of token and client-secret characters, with what JSON and HTML escape among them.
const secretArb = fc
  .array(fc.constantFrom(...'abcXYZ0189-_.~+/="\\<&é€'.split('')), {
    minLength: 12,
    maxLength: 90
  })
  .map(chars => `Sx${chars.join('')}`)
// Text around it: letters and punctuation no secret has.
const fillerArb = (max: number): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom(...'qrstuvw ,;:!()[]{}'.split('')), { maxLength: max })
    .map(chars => chars.join(''))

/** `secret` at `offset` (at most the filler's length) in `filler`. */
function embed(filler: string, secret: string, offset: number): string {
  const at = Math.min(offset, filler.length)
  return `${filler.slice(0, at)}${secret}${filler.slice(at)}`
}

function answer(status: number, body: string, contentType: string): InvokeResult {
  const head = Buffer.from(body)
  return {
    status,
    headers: { 'content-type': contentType },
    body: { bytes: head.length, head, file: '' },
    attempts: 1,
    waitedMs: 0,
    elapsedMs: 5,
    failure: undefined
  }
}

const checks = {
  label: Label,
  successWhen: undefined,
  failWhen: undefined,
  until: undefined,
  maskResponse: false,
  retryOn: { unavailable: false, network: false }
}

/** Each place that prints server text, fed with `text`: what it prints. */
const places: readonly [string, (text: string) => Promise<string>][] = [
  ['a check value (shownValue)', async text => shownValue({ Status: text }, 200)],
  [
    'the error line of fail-when',
    async text => {
      const verdict = await judgeAnswer(
        answer(200, JSON.stringify({ Status: text }), 'application/json'),
        {
          ...checks,
          failWhen: 'Status'
        }
      )
      return verdict.state === 'failed' ? errorLine(verdict.failure, false) : ''
    }
  ],
  [
    'a poll line (until not yet)',
    async text => {
      const verdict = await judgeAnswer(
        answer(200, JSON.stringify({ Status: text }), 'application/json'),
        {
          ...checks,
          until: "Status == 'done'"
        }
      )
      return verdict.state === 'not-yet' ? verdict.seen : 'unexpected verdict'
    }
  ],
  [
    'the title of an HTML page',
    async text => {
      const page = `<html><head><title>${text}</title></head></html>`
      const verdict = await judgeAnswer(answer(200, page, 'text/html'), checks)
      return verdict.state === 'failed' ? errorLine(verdict.failure, false) : ''
    }
  ],
  [
    'an error body (serviceMessage)',
    async text => serviceMessage(JSON.stringify({ Message: text }))
  ],
  ['an error body as text', async text => serviceMessage(text)],
  ['a line (safeLine), cut at 200', async text => safeLine(text, 200)],
  ['a summary cell', async text => code(text)],
  [
    'the body preview, cut at 64 KiB',
    async text => {
      const head = Buffer.from(`${'q'.repeat(64 * 1024 - 300)}${text}`)
      return bodyPreview(head, head.length + 1)
    }
  ]
]

describe.each(places)('%s', (_place, print) => {
  it('leaves no 8-character beginning of a secret at any offset', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        fillerArb(500),
        fc.nat({ max: 500 }),
        async (secret, filler, offset) => {
          maskSecret(secret)
          const printed = await print(embed(filler, secret, offset))
          expect(printed).not.toContain(secret.slice(0, 8))
          expect(printed).not.toContain(JSON.stringify(secret).slice(1, 9))
        }
      ),
      { numRuns: 60 }
    )
  })

  it('leaves none at every offset around its cuts', async () => {
    const secret = 'Sx"Ey.JhbGci\\Oi-JSUzI1NiJ9.é€ab~cd+ef/gh=ij<kl&mn-echoed-token-0123456789'
    maskSecret(secret)
    const filler = 'q'.repeat(400)
    for (let offset = 0; offset <= 400; offset++) {
      const printed = await print(embed(filler, secret, offset))
      expect(printed).not.toContain(secret.slice(0, 8))
    }
  })
})
