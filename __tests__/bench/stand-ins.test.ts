import { describe, expect, it } from '@jest/globals'
import { parse } from 'jsonc-parser'
import { readFileSync } from 'node:fs'
import { getExecOutput } from '../../src/stand-ins/actions-exec.js'
import { ProxyAgent } from '../../src/stand-ins/undici.js'

// The bundle leaves out dependencies of dependencies that no code path of the action reaches
// (tsconfig.json `paths`, which ncc resolves through); the benchmark shows what that saves.
describe('stand-ins for unreached dependencies', () => {
  it('are what tsconfig.json maps the packages to when bundling', () => {
    const tsconfig = parse(
      readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8')
    ) as {
      compilerOptions: { paths: Record<string, string[]> }
    }
    expect(tsconfig.compilerOptions.paths).toMatchObject({
      undici: ['./src/stand-ins/undici.ts'],
      '@actions/exec': ['./src/stand-ins/actions-exec.ts']
    })
  })

  it('fail loudly, naming what is missing, if a future code path reaches them', () => {
    expect(() => new ProxyAgent()).toThrow(
      'undici is not bundled with this action: HttpClient.getAgentDispatcher() is not available'
    )
    expect(() => getExecOutput()).toThrow(
      '@actions/exec is not bundled with this action: core.platform.getDetails() is not available'
    )
  })
})
