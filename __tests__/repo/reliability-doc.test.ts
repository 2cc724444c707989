/**
 * RELIABILITY.md cannot drift from the tests: every test it names exists (jest lists the suites'
 * test names without running them), every fault test is named there, and its totals agree with
 * its tables and with the suites. The checks are about consistency, not fixed numbers.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sectionLines, tableRows } from '../../__fixtures__/markdown.js'
import { logModes } from '../../__fixtures__/run-assertions.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const doc = readFileSync(path.join(root, 'RELIABILITY.md'), 'utf8')
const FaultSuite = '__tests__/faults/'

/** The rows of one `## ` table section. */
const rowsOf = (heading: string): string[][] => tableRows(sectionLines(doc, `## ${heading}`))
const faultRows = rowsOf('Faults')
const hostileValueRows = rowsOf('Hostile values from a server')
const untrustedTextRows = rowsOf('Untrusted text from a server')
const unwritableFileRows = rowsOf('Files the runner gives that cannot be written')
const hostileInputRows = rowsOf('Hostile inputs from a user')
const roundTwoRows = rowsOf('Untrusted input, round two')
const stepLimitRows = rowsOf('Limits of a whole step (many calls, polls)')
const totals = new Map(rowsOf('Totals').map(([label, value]) => [label, value ?? '']))

/** A test the doc names: `file › describe › test`, marked when it runs once per log mode. */
interface Named {
  readonly id: string
  readonly bothLogModes: boolean
}

/** The tests named in the last cell of each row: `file › … › test`, optionally _(both log modes)_. */
function namedTests(rows: readonly string[][]): Named[] {
  return rows.flatMap(row =>
    [...(row.at(-1) ?? '').matchAll(/`([^`]+ › [^`]+)`( _\(both log modes\)_)?/g)].map(match => ({
      id: match[1].startsWith('__tests__/') ? match[1] : FaultSuite + match[1],
      bothLogModes: match[2] !== undefined
    }))
  )
}
const named = namedTests([
  ...faultRows,
  ...hostileValueRows,
  ...untrustedTextRows,
  ...unwritableFileRows,
  ...hostileInputRows,
  ...roundTwoRows,
  ...stepLimitRows
])

/** A test name as jest prints it with placeholders (`%s`, `$mode`) → a pattern for its expansions. */
function pattern(id: string): RegExp {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replace(/%[sdifjoOp#]|\\\$[\w.]+/g, '.+')}$`)
}

/** What the doc's name stands for among the suites' test ids. */
function expansions(test: Named, ids: readonly string[]): string[] {
  const wanted = test.bothLogModes ? logModes.map(({ mode }) => `${test.id} (${mode})`) : [test.id]
  return wanted.flatMap(want =>
    ids.includes(want) ? [want] : ids.filter(id => pattern(want).test(id))
  )
}

/** The bold (or plain) numbers of a Totals cell, commas removed. */
function numbers(label: string): number[] {
  return [...(totals.get(label) ?? '').matchAll(/\d[\d,]*/g)].map(match =>
    Number(match[0].replace(/,/g, ''))
  )
}

interface JestReport {
  readonly testResults: readonly {
    readonly name: string
    readonly assertionResults: readonly {
      readonly ancestorTitles: string[]
      readonly title: string
    }[]
  }[]
}

/**
 * `file › describe › test` of every test in `paths`, as jest names them: jest loads the suites and
 * skips every test (a name pattern nothing matches), so nothing runs and no hook starts a server.
 */
async function listTests(paths: readonly string[]): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'd365fo-list-tests-'))
  try {
    const report = path.join(dir, 'report.json')
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js')
    const args = [
      '--experimental-vm-modules',
      jest,
      '--json',
      `--outputFile=${report}`,
      '--coverage=false',
      '--testNamePattern=^(?!)',
      ...paths
    ]
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', chunk => (stderr += String(chunk)))
    const code = await new Promise<number | null>(resolve => child.on('close', resolve))
    if (code !== 0) throw new Error(`listing the tests failed (exit ${code}):\n${stderr}`)
    const { testResults } = JSON.parse(readFileSync(report, 'utf8')) as JestReport
    return testResults.flatMap(file =>
      file.assertionResults.map(test =>
        [
          path.relative(root, file.name).replace(/\\/g, '/'),
          ...test.ancestorTitles,
          test.title
        ].join(' › ')
      )
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

let ids: string[]
beforeAll(async () => {
  const files = [...new Set(named.map(test => test.id.split(' › ')[0]))]
  ids = await listTests([FaultSuite, ...files.filter(file => !file.startsWith(FaultSuite))])
}, 180_000)

const faultIds = (): string[] => ids.filter(id => id.startsWith(FaultSuite))

describe('RELIABILITY.md', () => {
  it('names tests (its tables were read)', () => {
    expect(named.length).toBeGreaterThan(faultRows.length)
    expect(faultIds().length).toBeGreaterThan(0)
  })

  it('names only tests that exist, each in every log mode it claims', () => {
    const missing = named.flatMap(test => {
      const wanted = test.bothLogModes ? logModes.length : 1
      return expansions(test, ids).length >= wanted
        ? []
        : [`${test.id}${test.bothLogModes ? ' (both log modes)' : ''}`]
    })
    expect(missing).toEqual([])
  })

  it(`names every test of ${FaultSuite}`, () => {
    const covered = new Set(named.flatMap(test => expansions(test, ids)))
    expect(faultIds().filter(id => !covered.has(id))).toEqual([])
  })

  it('counts the rows of its Faults table', () => {
    expect(numbers('Faults tried, end to end')[0]).toBe(faultRows.length)
  })

  it('counts the rows of its Hostile values table (values plus controls)', () => {
    const [values, controls = 0] = numbers('Hostile values from a server, end to end')
    expect(values + controls).toBe(hostileValueRows.length)
  })

  it('counts the rows of its Untrusted text and unwritable files tables', () => {
    expect(numbers('Untrusted server text, end to end')[0]).toBe(untrustedTextRows.length)
    expect(numbers('Runner files that cannot be written, end to end')[0]).toBe(
      unwritableFileRows.length
    )
    expect(numbers('Untrusted input, round two, end to end')[0]).toBe(roundTwoRows.length)
  })

  it('counts the rows of its table of step-wide limits', () => {
    expect(stepLimitRows.length).toBeGreaterThan(0)
    expect(numbers('Step-wide limits, end to end')[0]).toBe(stepLimitRows.length)
  })

  it('counts the fault-suite tests, their files and those run in both log modes', () => {
    const [tests, files, bothModes] = numbers('Fault-suite tests')
    const perMode = (mode: string): number =>
      faultIds().filter(id => id.endsWith(` (${mode})`)).length
    expect({ tests, files, bothModes }).toEqual({
      tests: faultIds().length,
      files: new Set(faultIds().map(id => id.split(' › ')[0])).size,
      bothModes: perMode(logModes[0].mode)
    })
    expect(logModes.map(({ mode }) => perMode(mode))).toEqual(logModes.map(() => bothModes))
    expect(numbers('Secrets checked')).toEqual([tests])
  })

  it('adds up the generated input sets: inputs × runs + runs of all at once', () => {
    const [total, inputs, runsEach, runsAll] = numbers('Hostile user inputs, generated')
    expect(total).toBe(inputs * runsEach + runsAll)
    // One property test per input, and the row lists each input by name.
    const perInput = named.filter(
      test => test.id.includes('.property.test.ts') && /%s|\$\w/.test(test.id)
    )
    expect(perInput.flatMap(test => expansions(test, ids))).toHaveLength(inputs)
    const row = hostileInputRows
      .map(cells => cells[0])
      .find(cell => /each of \d+ inputs/.test(cell))
    const [, count, list] = /each of (\d+) inputs \(([^)]*)\)/.exec(row ?? '') ?? []
    expect(Number(count)).toBe(inputs)
    expect([...(list ?? '').matchAll(/`[^`]+`/g)]).toHaveLength(inputs)
  })
})
