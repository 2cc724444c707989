import { describe, expect, it } from '@jest/globals'
import { parseRunnerCommands } from '../../__fixtures__/runner-commands.js'

// The sweep tests trust this parser to find every command a runner would act on: it is tested
// here against the runner's rules, so a parser that finds nothing cannot pass for a clean run.

const names = (output: string): string[] => parseRunnerCommands(output).map(c => c.name)

describe('parseRunnerCommands', () => {
  it('finds v2 commands at a line start, after leading white space, in any case', () => {
    expect(names('::add-mask::x\n   ::ERROR file=a,line=1::msg\n\t\u00a0::Warning::w')).toEqual([
      'add-mask',
      'error',
      'warning'
    ])
  })

  it('reads v2 properties and data, unescaped', () => {
    expect(parseRunnerCommands('::error file=a%2Cb.ts,line=3::first%0Asecond %25')).toEqual([
      {
        line: 0,
        syntax: 'v2',
        name: 'error',
        properties: { file: 'a,b.ts', line: '3' },
        data: 'first\nsecond %'
      }
    ])
  })

  it('finds no v2 command that does not start its line, or that is not registered', () => {
    expect(names('text ::add-mask::x\n>>> ::error::y\n::not-a-command::z\n::add-mask')).toEqual([])
  })

  it('finds v1 commands anywhere in a line, with ; properties', () => {
    expect(parseRunnerCommands('{"Name":"##[set-output name=x;k=v]data%5D"}')).toEqual([
      {
        line: 0,
        syntax: 'v1',
        name: 'set-output',
        properties: { name: 'x', k: 'v' },
        data: 'data]"}'
      }
    ])
    expect(names('##[add-mask]x\nsome text ##[warning]y')).toEqual(['add-mask', 'warning'])
  })

  it('ignores an escaped or unregistered v1 marker', () => {
    expect(names('##[\\add-mask]x\n##[start-action]y\n##[add-mask no closing bracket')).toEqual([])
  })

  it('splits lines where the runner does: LF, CR and CR LF', () => {
    expect(names('a\r::error::x\r\n::warning::y\nb')).toEqual(['error', 'warning'])
  })

  it('acts on nothing between stop-commands and its token, then resumes', () => {
    const output = [
      '::stop-commands::tok3n-abc',
      '::error::hidden',
      '##[add-mask]hidden',
      '::stop-commands::other',
      '::tok3n-abc::',
      '::warning::seen'
    ].join('\n')
    expect(names(output)).toEqual(['stop-commands', 'tok3n-abc', 'warning'])
  })

  it('resumes on the token in the legacy syntax too, anywhere in a line', () => {
    expect(names('##[stop-commands]t0k\ntext ##[t0k]\n::error::seen')).toEqual([
      'stop-commands',
      't0k',
      'error'
    ])
  })
})
