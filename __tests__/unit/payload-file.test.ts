import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { resolveCharset, type Charset } from '../../src/common/charset.js'
import { MaxPayloadFileBytes, readPayloadFile } from '../../src/call/payload-file.js'

let base = ''
let env: Record<string, string> = {}
const utf8: Charset = { name: 'utf-8', encoding: 'utf8' }
let cp1252: Charset

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'unit-payload-file-'))
  env = { GITHUB_WORKSPACE: path.join(base, 'ws'), RUNNER_TEMP: path.join(base, 'temp') }
  await mkdir(env['GITHUB_WORKSPACE'], { recursive: true })
  await mkdir(env['RUNNER_TEMP'], { recursive: true })
  cp1252 = (await resolveCharset('windows-1252')) as Charset
})
afterAll(() => rm(base, { recursive: true, force: true }))

async function file(name: string, bytes: Buffer | string, folder = 'ws'): Promise<string> {
  const at = path.join(base, folder, name)
  await mkdir(path.dirname(at), { recursive: true })
  await writeFile(at, bytes)
  return at
}

describe('readPayloadFile', () => {
  it('gives the bytes as they are, declared in payload-charset', async () => {
    const bytes = Buffer.from('{"name":"Caf\xe9 \x80"}', 'latin1')
    await file('p/cafe.json', bytes)
    await expect(readPayloadFile('p/cafe.json', cp1252, env)).resolves.toEqual({
      body: bytes,
      contentType: 'application/json;charset=windows-1252',
      text: '{"name":"Café €"}'
    })
  })

  it.each([
    ['UTF-8', [0xef, 0xbb, 0xbf], 'utf8', 'utf-8'],
    ['UTF-16LE', [0xff, 0xfe], 'utf16le', 'utf-16le']
  ] as const)(
    'honours a %s byte-order mark and does not send it',
    async (_, mark, encoding, name) => {
      const json = Buffer.from('{"a":"Æble"}', encoding)
      await file(`bom-${name}.json`, Buffer.concat([Buffer.from(mark), json]))
      await expect(readPayloadFile(`bom-${name}.json`, cp1252, env)).resolves.toEqual({
        body: json,
        contentType: `application/json;charset=${name}`,
        text: '{"a":"Æble"}'
      })
    }
  )

  it('takes a file under RUNNER_TEMP by its absolute path', async () => {
    const at = await file('t.json', '{}', 'temp')
    await expect(readPayloadFile(at, utf8, env)).resolves.toMatchObject({ body: Buffer.from('{}') })
  })

  it.each([
    ['outside both folders', () => path.join(base, 'elsewhere.json')],
    ['reached with ..', () => '../elsewhere.json']
  ])('refuses a file %s', async (_, given) => {
    await file('elsewhere.json', '{}', '.')
    await expect(readPayloadFile(given(), utf8, env)).resolves.toEqual({
      problem: expect.stringMatching(
        /^payload-file '.*': it resolves to .*, which is not inside GITHUB_WORKSPACE \(.*\) or RUNNER_TEMP/
      )
    })
  })

  it('refuses a link in the workspace that leads outside it', async () => {
    const target = await file('secret.json', '{"x":1}', '.')
    await symlink(target, path.join(base, 'ws', 'link.json'))
    await expect(readPayloadFile('link.json', utf8, env)).resolves.toEqual({
      problem: expect.stringContaining('is not inside GITHUB_WORKSPACE')
    })
  })

  it('says when the file is missing, not JSON, not in the charset, or too large', async () => {
    await expect(readPayloadFile('none.json', utf8, env)).resolves.toEqual({
      problem: expect.stringMatching(/^payload-file 'none\.json': .*none\.json does not exist$/)
    })
    await file('bad.json', '{"a":}')
    await expect(readPayloadFile('bad.json', utf8, env)).resolves.toEqual({
      problem: expect.stringMatching(
        /^payload-file 'bad\.json' is not valid JSON in utf-8 \(payload-charset\): /
      )
    })
    await file('latin.json', Buffer.from('{"a":"\xe9"}', 'latin1'))
    await expect(readPayloadFile('latin.json', utf8, env)).resolves.toEqual({
      problem:
        "payload-file 'latin.json' holds bytes that are not valid utf-8 (payload-charset): set payload-charset to the file's charset"
    })
    await file('big.json', Buffer.alloc(MaxPayloadFileBytes + 1, 0x20))
    await expect(readPayloadFile('big.json', utf8, env)).resolves.toEqual({
      problem: expect.stringMatching(/is 67108865 bytes, more than the 64 MiB a payload may have$/)
    })
  })
})
