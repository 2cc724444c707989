import { describe, expect, it } from '@jest/globals'
import { parse } from 'jsonc-parser'
import { readFileSync } from 'node:fs'
import { assertStandInsCover, standInProblems } from '../../scripts/stand-ins.mjs'
import { getExecOutput } from '../../src/stand-ins/actions-exec.js'
import jsonwebtoken, { loadJsonWebToken, sign } from '../../src/stand-ins/jsonwebtoken.js'
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
      '@actions/exec': ['./src/stand-ins/actions-exec.ts'],
      jsonwebtoken: ['./src/stand-ins/jsonwebtoken.ts']
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

  it('sign with the real jsonwebtoken once it is loaded, and say what is missing before', async () => {
    expect(() => sign({ sub: 'x' }, 'key', {})).toThrow(
      'jsonwebtoken is loaded on demand in this action: loadJsonWebToken() must run before MSAL signs'
    )
    await loadJsonWebToken()
    // MSAL's ES module build calls it as the default export's member.
    expect(jsonwebtoken.sign).toBe(sign)
    const jwt = sign({ sub: 'x' }, 'a-shared-secret', { algorithm: 'HS256', noTimestamp: true })
    expect(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())).toEqual({
      sub: 'x'
    })
  })

  describe("are checked against the bundler's module graph after each build", () => {
    const standIns = {
      undici: './src/stand-ins/undici.ts',
      jsonwebtoken: './src/stand-ins/jsonwebtoken.ts'
    }
    const reached = (name: string, used: string[] | boolean | null, provided: string[]) => ({
      name,
      usedExports: used,
      providedExports: provided
    })

    it('pass when every name the bundle uses is exported', () => {
      const stats = {
        modules: [
          reached('./src/stand-ins/undici.ts', false, ['ProxyAgent']),
          reached('./src/stand-ins/jsonwebtoken.ts + 1 modules', ['default'], ['default', 'sign'])
        ]
      }
      expect(standInProblems(stats, standIns)).toEqual([])
      expect(() => assertStandInsCover(stats, standIns)).not.toThrow()
    })

    it('stop the build when the bundle uses a name a stand-in lacks, or cannot tell which', () => {
      const stats = {
        modules: [
          reached('./src/stand-ins/undici.ts', ['ProxyAgent', 'Agent'], ['ProxyAgent']),
          reached('./src/stand-ins/jsonwebtoken.ts', true, ['default'])
        ],
        warnings: [
          {
            moduleName: './node_modules/some-client/index.js',
            message:
              "export 'Pool' (imported as 'Pool') was not found in 'undici' (possible exports: ProxyAgent)"
          }
        ]
      }
      expect(standInProblems(stats, standIns)).toEqual([
        "the bundle uses 'Agent' from undici, which ./src/stand-ins/undici.ts does not export",
        "./node_modules/some-client/index.js: export 'Pool' (imported as 'Pool') was not found in 'undici' (possible exports: ProxyAgent)",
        'the bundler cannot tell which names of ./src/stand-ins/jsonwebtoken.ts (for jsonwebtoken) are used'
      ])
      expect(() => assertStandInsCover(stats, standIns)).toThrow(
        /A stand-in no longer covers what the bundle uses.*\n {2}the bundle uses 'Agent'/s
      )
    })

    it('ask to drop a stand-in that no dependency reaches any more', () => {
      const stats = { modules: [reached('./src/stand-ins/undici.ts', false, ['ProxyAgent'])] }
      expect(standInProblems(stats, standIns)).toEqual([
        './src/stand-ins/jsonwebtoken.ts (for jsonwebtoken) is no longer in the bundle: drop it and its paths entry'
      ])
    })
  })
})
