import { describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from '../../__fixtures__/secret-hygiene.js'

// The leak check behind "secrets leaked: 0" must itself catch a leak, or that figure means nothing.
const secret = 's3cr3t-value-for-the-check'

function run(parts: Partial<ActionRun>): ActionRun {
  return {
    exitCode: 0,
    stdout: '',
    stderr: '',
    outputs: {},
    outputFile: '',
    summary: '',
    annotations: [],
    durationMs: 0,
    workspace: '',
    runnerTemp: '',
    peakRssBytes: undefined,
    ...parts
  }
}

describe('expectNoSecretLeaks', () => {
  it('passes a secret printed only after its ::add-mask:: line', () => {
    expect(() =>
      expectNoSecretLeaks(run({ stdout: `::add-mask::${secret}\nusing ${secret}\n` }), [secret])
    ).not.toThrow()
  })

  it.each([
    ['stdout before its mask', { stdout: `using ${secret}\n::add-mask::${secret}\n` }],
    ['stdout with no mask at all', { stdout: `token=${secret}\n` }],
    ['stderr', { stdout: `::add-mask::${secret}\n`, stderr: `Error: ${secret}` }],
    [
      'the GITHUB_OUTPUT file',
      { stdout: `::add-mask::${secret}\n`, outputFile: `error<<x\n${secret}\nx\n` }
    ],
    ['the job summary', { stdout: `::add-mask::${secret}\n`, summary: `<td>${secret}</td>` }]
  ])('catches a secret in %s', (_where, parts) => {
    expect(() => expectNoSecretLeaks(run(parts), [secret])).toThrow()
  })

  it('checks every line of a multi-line secret (a PEM key)', () => {
    const pem = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----`
    expect(() =>
      expectNoSecretLeaks(run({ stdout: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n' }), [pem])
    ).toThrow()
  })
})
