/**
 * The layering rule of eslint.config.js (docs/ARCHITECTURE.md) as `npm run lint` applies it:
 * imports flow down the folders of src/, and an upward import fails the lint.
 */
import { describe, expect, it } from '@jest/globals'
import { ESLint } from 'eslint'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const eslint = new ESLint({ cwd: root })

/** The layering messages ESLint gives `code` as if it were the file `file` of the repo. */
async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x\n`, {
    filePath: path.join(root, file)
  })
  return (result?.messages ?? [])
    .filter(m => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map(m => m.message)
}

describe('layering of src/', () => {
  it('lets a folder import from the folders below it and from its own', async () => {
    expect(
      await layeringErrors('src/call/x.ts', "import { x } from '../transport/http.js'")
    ).toEqual([])
    expect(await layeringErrors('src/call/x.ts', "import { x } from './invoker.js'")).toEqual([])
    expect(
      await layeringErrors('src/report/x.ts', "import { x } from '../many/many-calls.js'")
    ).toEqual([])
  })

  it.each([
    ['src/common/x.ts', '../transport/http.js'],
    ['src/transport/x.ts', '../sign-in/auth.js'],
    ['src/call/x.ts', '../many/many-calls.js'],
    ['src/many/x.ts', '../report/report.js'],
    ['src/sign-in/x.ts', '../inputs/inputs.js']
  ])('refuses an upward import: %s importing %s', async (file, specifier) => {
    const errors = await layeringErrors(file, `import { x } from '${specifier}'`)
    expect(errors).toEqual([expect.stringMatching(/sits below .*ARCHITECTURE/)])
  })

  it('lets every layer name the settings as a type, and only as a type', async () => {
    expect(
      await layeringErrors('src/transport/x.ts', "import type { x } from '../inputs/settings.js'")
    ).toEqual([])
    expect(
      await layeringErrors('src/transport/x.ts', "import { x } from '../inputs/settings.js'")
    ).toEqual([expect.stringMatching(/Only the types of the settings/)])
  })

  it('refuses any import of the entry point from a layer', async () => {
    expect(await layeringErrors('src/many/x.ts', "import { x } from '../main.js'")).toEqual([
      expect.stringMatching(/entry point is the top layer/)
    ])
  })
})
