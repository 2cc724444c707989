import { describe, expect, it } from '@jest/globals'
import { parse } from 'jsonc-parser'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  assertStandInsComplete,
  exportedNames,
  importedNames,
  missingStandInExports
} from '../../scripts/stand-ins.mjs'
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

  it('cover every name the installed dependencies import from the packages they replace', () => {
    expect(missingStandInExports(path.resolve(import.meta.dirname, '../..'))).toEqual([])
  })

  it('are checked before bundling: a stand-in missing an imported name stops the build', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'stand-ins-'))
    try {
      mkdirSync(path.join(root, 'node_modules', 'some-client'), { recursive: true })
      mkdirSync(path.join(root, 'stand-ins'))
      writeFileSync(
        path.join(root, 'tsconfig.json'),
        '{ // comments allowed, as in tsconfig\n "compilerOptions": { "paths": { "undici": ["./stand-ins/undici.ts"] } } }'
      )
      writeFileSync(
        path.join(root, 'package-lock.json'),
        JSON.stringify({ packages: { '': {}, 'node_modules/some-client': {} } })
      )
      writeFileSync(
        path.join(root, 'node_modules', 'some-client', 'index.js'),
        "import { ProxyAgent, Agent as Pool } from 'undici'\n"
      )
      writeFileSync(path.join(root, 'stand-ins', 'undici.ts'), 'export class ProxyAgent {}\n')
      expect(() => assertStandInsComplete(root)).toThrow(
        "node_modules/some-client/index.js imports 'Agent' from 'undici', which ./stand-ins/undici.ts does not export"
      )
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('read named, namespace and CommonJS imports, and plain exports', () => {
    const source = [
      "import { A, B as C } from '@actions/exec'",
      "import * as exec from '@actions/exec'",
      'exec.getExecOutput(); other.notThis()',
      "const { D } = require('@actions/exec')",
      "const exec_1 = require('@actions/exec'); exec_1.E()"
    ].join('\n')
    expect([...importedNames(source, '@actions/exec')].sort()).toEqual([
      'A',
      'B',
      'D',
      'E',
      'getExecOutput'
    ])
    expect([...exportedNames('export function f() {}\nexport class K {}\nconst x = 1')]).toEqual([
      'f',
      'K'
    ])
  })
})
