/**
 * The runner harness reads a step as a GitHub runner does on every platform: @actions/core ends
 * lines with os.EOL, so on Windows GITHUB_OUTPUT and stdout hold CR LF, and the runner reads them
 * as it reads LF elsewhere (actions/runner: FileCommandManager's ReadLine, .NET's ReadLine).
 */
import { describe, expect, it } from '@jest/globals'
import { parseAnnotations, parseOutputFile, runnerLines } from '../../scripts/action-runner.mjs'

/** GITHUB_OUTPUT as @actions/core writes it, with `eol` for os.EOL. */
function outputFile(eol: string, outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value], i) => {
      const delimiter = `ghadelimiter_${i}-0f4c`
      return `${name}<<${delimiter}${eol}${value}${eol}${delimiter}${eol}`
    })
    .join('')
}

const outputs = {
  status: '200',
  response: '{"Company":"USMF"}',
  error: '',
  // A value may hold line breaks of its own (a pretty-printed body): they stay as they are.
  headers: '{\n  "a": "b"\n}'
}

describe('parseOutputFile', () => {
  it.each([
    ['LF (Linux, macOS)', '\n'],
    ['CR LF (Windows)', '\r\n']
  ])('reads every output of a file with %s line ends', (_, eol) => {
    expect(parseOutputFile(outputFile(eol, outputs))).toEqual(outputs)
  })
})

describe('parseAnnotations and runnerLines', () => {
  it('read CR LF lines as the runner does, unescaping the data', () => {
    const stdout =
      '::add-mask::x\r\nSigning in\r\n::warning::slow%0D%0Anext\r\n::error::POST failed: 100%25\r\n'

    expect(parseAnnotations(stdout)).toEqual([
      { level: 'warning', message: 'slow\r\nnext' },
      { level: 'error', message: 'POST failed: 100%' }
    ])
    expect(runnerLines('a\r\nb\nc\rd')).toEqual(['a', 'b', 'c', 'd'])
  })
})
