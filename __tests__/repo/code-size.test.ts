/**
 * Small files with one job each: no module of src/ over 300 lines, no function over 80 (issue
 * "A house the next maintainer can find their way in"). Functions are read with TypeScript's own
 * parser, so a factory returning an object of closures counts as one function.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const MaxFileLines = 300
const MaxFunctionLines = 80

const root = fileURLToPath(new URL('../../', import.meta.url))
const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter(file => file.endsWith('.ts'))
  .map(file => path.join('src', file).replace(/\\/g, '/'))
  .sort()

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0)

/** `file:line name (N lines)` of every function in `text` longer than `max` lines. */
function longFunctions(file: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const name = node.name?.getText(source) ?? '(anonymous)'
      if (end - start + 1 > max)
        found.push(`${file}:${start + 1} ${name} (${end - start + 1} lines)`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('the size of src/', () => {
  it('finds the sources', () => {
    expect(sources).toContain('src/main.ts')
  })

  it(`has no file over ${MaxFileLines} lines`, () => {
    const long = sources
      .map(file => [file, lineCount(readFileSync(path.join(root, file), 'utf8'))] as const)
      .filter(([, lines]) => lines > MaxFileLines)
      .map(([file, lines]) => `${file} (${lines} lines)`)
    expect(long).toEqual([])
  })

  it(`has no function over ${MaxFunctionLines} lines`, () => {
    const long = sources.flatMap(file =>
      longFunctions(file, readFileSync(path.join(root, file), 'utf8'), MaxFunctionLines)
    )
    expect(long).toEqual([])
  })

  it('measures what it claims: a long function and a short one', () => {
    const body = Array.from({ length: 85 }, (_, i) => `  const v${i} = ${i}`).join('\n')
    const text = `export function long(): void {\n${body}\n}\nconst short = () => 1\n`
    expect(longFunctions('x.ts', text, MaxFunctionLines)).toEqual(['x.ts:1 long (87 lines)'])
  })
})
