import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as actualCore from '@actions/core'
import * as jmespath from '@jmespath-community/jmespath'
import iconv from 'iconv-lite'
import * as jsoncParser from 'jsonc-parser'
import * as yaml from 'yaml'
import * as core from '../../__fixtures__/core.js'
import { clearInputs, setInputs } from '../../__fixtures__/unit-inputs.js'

// iconv-lite (its code tables were three quarters of dist/index.js), jsonc-parser and JMESPath are
// loaded with import() only when a run needs them, so ncc puts each in a chunk of its own and a run
// with the default charset, a valid payload and no outcome check never evaluates any (a start-up
// cost the benchmark measures). The YAML parser waits for a `calls` list written in YAML. Each mock
// notes that it was imported and hands over the real package.
const imported = new Set<string>()
jest.unstable_mockModule('iconv-lite', () => {
  imported.add('iconv-lite')
  return { default: iconv }
})
jest.unstable_mockModule('jsonc-parser', () => {
  imported.add('jsonc-parser')
  return jsoncParser
})
jest.unstable_mockModule('@jmespath-community/jmespath', () => {
  imported.add('jmespath')
  return jmespath
})
jest.unstable_mockModule('yaml', () => {
  imported.add('yaml')
  return yaml
})
jest.unstable_mockModule('@actions/core', () => ({
  ...core,
  getInput: actualCore.getInput,
  getBooleanInput: actualCore.getBooleanInput
}))

const Call = {
  'service-name': 'G/S/O',
  url: 'https://contoso.operations.dynamics.com',
  token: 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl'
}

type Sources = {
  readSettings: typeof import('../../src/inputs/inputs.js').readSettings
  charset: typeof import('../../src/common/charset.js')
  describeJsonError: typeof import('../../src/common/json-syntax.js').describeJsonError
}

/** The sources imported afresh, so no earlier test has loaded either package for them. */
async function freshSources(): Promise<Sources> {
  jest.resetModules()
  imported.clear()
  return {
    readSettings: (await import('../../src/inputs/inputs.js')).readSettings,
    charset: await import('../../src/common/charset.js'),
    describeJsonError: (await import('../../src/common/json-syntax.js')).describeJsonError
  }
}

let sources: Sources
beforeEach(async () => {
  sources = await freshSources()
})

afterAll(clearInputs)

describe('a run that needs none', () => {
  it('reads a call with the default charset without importing iconv-lite, jsonc-parser or JMESPath', async () => {
    setInputs(Call)
    await expect(sources.readSettings({})).resolves.toMatchObject({
      method: 'POST',
      successWhen: undefined,
      failWhen: undefined,
      poll: undefined
    })
    expect([...imported]).toEqual([])
  })

  it('encodes a valid payload as UTF-8 without importing iconv-lite or jsonc-parser', async () => {
    for (const label of ['UTF-8', 'utf8', ' utf-8 ']) {
      setInputs({ ...Call, payload: '{"a":"æ€😀"}', 'payload-charset': label })
      await expect(sources.readSettings({})).resolves.toMatchObject({
        body: Buffer.from('{"a":"æ€😀"}', 'utf8'),
        contentType: 'application/json;charset=utf-8'
      })
    }
    const utf8 = await sources.charset.resolveCharset('UTF-8')
    expect(utf8).toBeDefined()
    if (utf8) {
      await expect(sources.charset.encodeText('a\ud800b', utf8)).resolves.toEqual({
        unrepresentable: '\ud800'
      })
    }
    await expect(sources.describeJsonError('{"a":[1,2]}')).resolves.toBeUndefined()
    expect([...imported]).toEqual([])
  })

  it('refuses a charset label that cannot be one without importing iconv-lite', async () => {
    await expect(sources.charset.resolveCharset('utf-8;x')).resolves.toBeUndefined()
    await expect(sources.charset.resolveCharset('base64')).resolves.toBeUndefined()
    expect([...imported]).toEqual([])
  })
})

describe('a run that needs one', () => {
  it('imports iconv-lite, and only it, for another charset', async () => {
    setInputs({ ...Call, payload: '{"a":"æ"}', 'payload-charset': 'windows-1252' })
    await expect(sources.readSettings({})).resolves.toMatchObject({
      body: Buffer.from('7b2261223a22e6227d', 'hex')
    })
    expect([...imported]).toEqual(['iconv-lite'])
  })

  it('imports iconv-lite to tell whether an unknown charset name exists', async () => {
    await expect(sources.charset.resolveCharset('klingon')).resolves.toBeUndefined()
    expect([...imported]).toEqual(['iconv-lite'])
  })

  it.each(['success-when', 'fail-when', 'until'])(
    'imports JMESPath, and only it, for %s',
    async name => {
      setInputs({ ...Call, [name]: 'Result' })
      await expect(sources.readSettings({})).resolves.toBeDefined()
      expect([...imported]).toEqual(['jmespath'])
    }
  )

  it('imports the YAML parser, and only it, for calls written in YAML', async () => {
    setInputs({ ...Call, calls: '- name: one\n- name: two' })
    await expect(sources.readSettings({})).resolves.toMatchObject({
      many: { calls: [{ name: 'one' }, { name: 'two' }] }
    })
    expect([...imported]).toEqual(['yaml'])
  })

  it('reads calls written as JSON without the YAML parser', async () => {
    setInputs({ ...Call, calls: '[{"name": "one"}]' })
    await expect(sources.readSettings({})).resolves.toMatchObject({
      many: { calls: [{ name: 'one' }] }
    })
    expect([...imported]).toEqual([])
  })

  it('imports jsonc-parser, and only it, to locate the error in an invalid payload', async () => {
    setInputs({ ...Call, payload: '{"a":1,}' })
    await expect(sources.readSettings({})).rejects.toThrow(
      'Invalid payload: not valid JSON: property name expected at line 1, column 8 (position 7).'
    )
    expect([...imported]).toEqual(['jsonc-parser'])
  })
})
