/**
 * Keeps action.yml, the code and the README in step: every name is declared once (src/common/constants.ts),
 * read or set in its one module, described in action.yml and documented in the README's tables.
 * Each check collects what is out of step and expects that list to be empty, so a failure names it.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { Inputs, Outputs } from '../../src/common/constants.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8')

interface InputSpec {
  readonly description?: unknown
  readonly required?: unknown
  readonly default?: unknown
}
interface OutputSpec {
  readonly description?: unknown
}
interface ActionMetadata {
  readonly inputs?: Readonly<Record<string, InputSpec | null>>
  readonly outputs?: Readonly<Record<string, OutputSpec | null>>
  readonly runs?: { readonly using?: unknown; readonly main?: unknown }
  readonly branding?: { readonly icon?: unknown; readonly color?: unknown }
}

const action = parse(read('action.yml')) as ActionMetadata
const actionInputs = action.inputs ?? {}
const actionOutputs = action.outputs ?? {}
const readme = read('README.md')

/** The only modules allowed to talk to the runner about inputs and outputs. */
const InputsFolder = 'src/inputs/'
const InputReader = 'src/inputs/input-reader.ts'
const OutputsModule = 'src/report/outputs.ts'

/**
 * Inputs whose README default names another input instead of a value: action.yml leaves the
 * default empty and the code falls back to that input (system-url defaults to url).
 */
const DefaultsToInput: Readonly<Record<string, string>> = { [Inputs.SystemUrl]: Inputs.Url }

/** Names in `want` that `have` lacks. */
function missing(want: Iterable<string>, have: Iterable<string>): string[] {
  const present = new Set(have)
  return [...want].filter(name => !present.has(name))
}

/** `'<name>' appears more than once in <where>` for each repeated name. */
function duplicates(names: readonly string[], where: string): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))].map(
    name => `'${name}' appears more than once in ${where}`
  )
}

function isRequired(spec: InputSpec | null): boolean {
  return spec?.required === true || spec?.required === 'true'
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

/** The lines of one `## Heading` section of the README, up to the next `## ` heading. */
function readmeSection(heading: string): string[] {
  const lines = readme.split(/\r?\n/)
  const start = lines.findIndex(line => line.trim() === `## ${heading}`)
  if (start < 0) return []
  const end = lines.findIndex((line, index) => index > start && /^##\s/.test(line))
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

/** `| \`name\` | cell | … |` rows of a README section: name and its second cell, backticks removed. */
function readmeRows(heading: string): { name: string; cell: string }[] {
  return readmeSection(heading).flatMap(line => {
    const row = /^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|/.exec(line)
    return row ? [{ name: row[1], cell: row[2].replace(/`/g, '').trim() }] : []
  })
}

/** What the README's default column must say for an input, from its action.yml entry. */
function expectedReadmeDefault(name: string, spec: InputSpec | null): string {
  if (isRequired(spec)) return 'required'
  const value = spec?.default === undefined || spec.default === null ? '' : String(spec.default)
  if (value === '' && name in DefaultsToInput) return DefaultsToInput[name]
  return value === '' ? "''" : value
}

/** Every .ts file under src/, relative to the repo root with forward slashes. */
function sourceFiles(dir = 'src'): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap(entry => {
    const file = `${dir}/${entry.name}`
    if (entry.isDirectory()) return sourceFiles(file)
    return entry.isFile() && entry.name.endsWith('.ts') ? [file] : []
  })
}

/** `file:line` of every line in src/ (outside `allowedIn`) that matches `pattern`. */
function callsOutside(pattern: RegExp, allowedIn: string): string[] {
  return sourceFiles()
    .filter(file => file !== allowedIn)
    .flatMap(file =>
      read(file)
        .split('\n')
        .flatMap((line, index) =>
          pattern.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : []
        )
    )
}

/** The text of `where`: one file, or every source file under a folder (a path ending in '/'). */
function readCode(where: string): string {
  return where.endsWith('/') ? sourceFiles(where.slice(0, -1)).map(read).join('\n') : read(where)
}

/** Keys of a constants object whose `<Object>.<Key>` does not appear in `file` (or folder). */
function keysNotUsedIn(
  objectName: string,
  constants: Record<string, string>,
  file: string
): string[] {
  const source = readCode(file)
  return Object.entries(constants)
    .filter(([key]) => !new RegExp(`\\b${objectName}\\.${key}\\b`).test(source))
    .map(([key, name]) => `${objectName}.${key} ('${name}') is not used in ${file}`)
}

describe('action.yml and src/common/constants.ts', () => {
  it('declares every input in both, and nothing in only one', () => {
    const declared = Object.values(Inputs)
    expect(
      missing(Object.keys(actionInputs), declared).map(
        name => `action.yml input '${name}' has no entry in Inputs (src/common/constants.ts)`
      )
    ).toEqual([])
    expect(
      missing(declared, Object.keys(actionInputs)).map(
        name => `Inputs (src/common/constants.ts) has '${name}', which action.yml does not declare`
      )
    ).toEqual([])
    expect(duplicates(declared, 'Inputs (src/common/constants.ts)')).toEqual([])
  })

  it('declares every output in both, and nothing in only one', () => {
    const declared = Object.values(Outputs)
    expect(
      missing(Object.keys(actionOutputs), declared).map(
        name => `action.yml output '${name}' has no entry in Outputs (src/common/constants.ts)`
      )
    ).toEqual([])
    expect(
      missing(declared, Object.keys(actionOutputs)).map(
        name => `Outputs (src/common/constants.ts) has '${name}', which action.yml does not declare`
      )
    ).toEqual([])
    expect(duplicates(declared, 'Outputs (src/common/constants.ts)')).toEqual([])
  })

  it('describes every input and output', () => {
    const undescribed = [
      ...Object.entries(actionInputs)
        .filter(([, spec]) => !text(spec?.description))
        .map(([name]) => `input '${name}' has no description`),
      ...Object.entries(actionOutputs)
        .filter(([, spec]) => !text(spec?.description))
        .map(([name]) => `output '${name}' has no description`)
    ]
    expect(undescribed).toEqual([])
  })

  it('gives every optional input a default and no required input one', () => {
    const problems = Object.entries(actionInputs).flatMap(([name, spec]) => {
      const hasDefault = spec?.default !== undefined && spec.default !== null
      if (isRequired(spec) && hasDefault) return [`'${name}' is required yet has a default`]
      if (!isRequired(spec) && !hasDefault) return [`'${name}' is optional and has no default`]
      return []
    })
    expect(problems).toEqual([])
  })

  it('runs on node24', () => {
    expect(action.runs?.using).toBe('node24')
  })

  it('runs dist/index.js, and that file exists', () => {
    expect(action.runs?.main).toBe('dist/index.js')
    const main = text(action.runs?.main)
    expect(
      main && existsSync(path.join(root, main)) ? [] : [`runs.main '${main}' does not exist`]
    ).toEqual([])
  })

  it('has a branding icon and color', () => {
    expect((['icon', 'color'] as const).filter(field => !text(action.branding?.[field]))).toEqual(
      []
    )
  })
})

describe('the code', () => {
  it(`reads every input in ${InputsFolder}`, () => {
    expect(keysNotUsedIn('Inputs', Inputs, InputsFolder)).toEqual([])
  })

  it(`calls core.getInput only in ${InputReader}`, () => {
    expect(callsOutside(/\bget(?:Boolean|Multiline)?Input\s*\(/, InputReader)).toEqual([])
  })

  it(`sets every output in ${OutputsModule}`, () => {
    expect(keysNotUsedIn('Outputs', Outputs, OutputsModule)).toEqual([])
  })

  it(`calls core.setOutput only in ${OutputsModule}`, () => {
    expect(callsOutside(/\bsetOutput\s*\(/, OutputsModule)).toEqual([])
  })
})

describe('the README', () => {
  const inputRows = readmeRows('Inputs')
  const outputRows = readmeRows('Outputs')

  it('documents every input in its Inputs table, and nothing else', () => {
    const names = inputRows.map(row => row.name)
    expect(
      missing(Object.keys(actionInputs), names).map(name => `no README row for input '${name}'`)
    ).toEqual([])
    expect(
      missing(names, Object.keys(actionInputs)).map(
        name => `README row for '${name}', which action.yml does not declare`
      )
    ).toEqual([])
    expect(duplicates(names, "the README's Inputs table")).toEqual([])
  })

  it('shows the action.yml default (or required) of every input', () => {
    const outOfStep = inputRows
      .filter(({ name }) => name in actionInputs)
      .flatMap(({ name, cell }) => {
        const expected = expectedReadmeDefault(name, actionInputs[name])
        return cell === expected
          ? []
          : [`'${name}': README shows ${cell}, action.yml says ${expected}`]
      })
    expect(outOfStep).toEqual([])
  })

  it('documents every output in its Outputs table, and nothing else', () => {
    const names = outputRows.map(row => row.name)
    expect(
      missing(Object.keys(actionOutputs), names).map(name => `no README row for output '${name}'`)
    ).toEqual([])
    expect(
      missing(names, Object.keys(actionOutputs)).map(
        name => `README row for '${name}', which action.yml does not declare`
      )
    ).toEqual([])
    expect(duplicates(names, "the README's Outputs table")).toEqual([])
    expect(outputRows.filter(row => !row.cell).map(row => `'${row.name}' has no value`)).toEqual([])
  })

  it('shows how to test and demo the action', () => {
    // A command counts only as a whole word: `npm run demos` does not show `npm run demo`.
    const shows = (command: string): boolean =>
      readme.split(command).some((_, index, parts) => index > 0 && !/^[\w:-]/.test(parts[index]))
    expect(['npm ci && npm test', 'npm run demo'].filter(command => !shows(command))).toEqual([])
  })

  it('names only npm scripts that package.json has', () => {
    const scripts = Object.keys(
      (JSON.parse(read('package.json')) as { scripts?: Record<string, string> }).scripts ?? {}
    )
    const named = [...readme.matchAll(/\bnpm run ([\w:-]+)/g)].map(match => match[1])
    expect(missing(new Set(named), scripts).map(name => `npm run ${name}`)).toEqual([])
  })
})
