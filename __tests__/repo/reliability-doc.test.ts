/**
 * RELIABILITY.md cannot drift from the tests: one `## ` section per threat, each case a list item
 * with the tests that prove it listed under it, one per line. Every test it names exists (jest
 * lists the suites' test names without running them), every fault test is named there, every case
 * names a test, its totals agree with its sections and with the suites, and no line is too long
 * to read. The checks are about consistency, not fixed numbers.
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
const lines = doc.split(/\r?\n/)
const FaultSuite = '__tests__/faults/'
const LongestLine = 300

/** A test the doc names: `file › describe › test`, marked when it runs once per log mode. */
interface Named {
  readonly id: string
  readonly bothLogModes: boolean
}

/** One case of a threat: its text (wrapped lines joined) and the tests listed under it. */
interface Case {
  readonly text: string
  readonly tests: Named[]
}

/** One `## ` section: its heading, its lines, and the cases of its list. */
interface Section {
  readonly heading: string
  readonly lines: string[]
  readonly cases: Case[]
}

/** A line listing one test under a case: `  - \`file › … › test\``, optionally _(both log modes)_. */
const TestLine = /^ {2}- `([^`]+ › [^`]+)`( _\(both log modes\)_)?$/

function sections(): Section[] {
  const found: { heading: string; lines: string[] }[] = []
  for (const line of lines) {
    const heading = /^## (.+)$/.exec(line)?.[1]
    if (heading !== undefined) found.push({ heading, lines: [] })
    else found.at(-1)?.lines.push(line)
  }
  return found.map(({ heading, lines: body }) => ({ heading, lines: body, cases: casesOf(body) }))
}

/** Lines that look like a listed test but cannot be read as one (they would go unchecked). */
const unreadable: string[] = []

/** The top-level list items of a section, each with the test lines indented under it. */
function casesOf(body: readonly string[]): Case[] {
  const cases: { text: string; tests: Named[] }[] = []
  let current: { text: string; tests: Named[] } | undefined
  for (const line of body) {
    const test = TestLine.exec(line)
    if (line.startsWith('- ')) cases.push((current = { text: line.slice(2), tests: [] }))
    else if (test && current)
      current.tests.push({
        id: test[1].startsWith('__tests__/') ? test[1] : FaultSuite + test[1],
        bothLogModes: test[2] !== undefined
      })
    else if (/^\s+- /.test(line)) unreadable.push(line)
    else if (/^ {2}\S/.test(line) && current && current.tests.length === 0)
      current.text += ` ${line.trim()}`
    else if (line.trim() !== '') current = undefined // a paragraph ends the list
  }
  return cases
}

/** The sections of threats: those that list tests. */
const threats = sections().filter(section => section.cases.some(item => item.tests.length > 0))
const named = threats.flatMap(section => section.cases.flatMap(item => item.tests))
const totals = new Map(
  tableRows(sectionLines(doc, '## Totals')).map(([label, value]) => [label, value ?? ''])
)

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
  it('has no line over 300 characters', () => {
    const long = lines.flatMap((line, index) =>
      line.length > LongestLine ? [`line ${index + 1}: ${line.length} characters`] : []
    )
    expect(long).toEqual([])
  })

  it('gives each threat what is attacked, what holds, and cases that each name a test', () => {
    expect(threats.length).toBeGreaterThan(1)
    expect(unreadable).toEqual([])
    for (const { heading, lines: body, cases } of threats) {
      const untested = cases.filter(item => item.tests.length === 0).map(item => item.text)
      expect({ heading, untested }).toEqual({ heading, untested: [] })
      expect({ heading, attacked: body.some(line => line.startsWith('_Attacked:_ ')) }).toEqual({
        heading,
        attacked: true
      })
      expect({ heading, holds: body.some(line => line.startsWith('_What holds:_ ')) }).toEqual({
        heading,
        holds: true
      })
    }
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

  it('counts the cases of each threat, and of all of them', () => {
    const counted = threats.map(({ heading }) => [heading, numbers(heading)[0]])
    expect(counted).toEqual(threats.map(({ heading, cases }) => [heading, cases.length]))
    const sum = threats.reduce((total, { cases }) => total + cases.length, 0)
    expect(numbers('All cases')).toEqual([sum])
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
    // One property test per input, and the case lists each input by name.
    const perInput = named.filter(
      test => test.id.includes('.property.test.ts') && /%s|\$\w/.test(test.id)
    )
    expect(perInput.flatMap(test => expansions(test, ids))).toHaveLength(inputs)
    const text = threats
      .flatMap(({ cases }) => cases.map(item => item.text))
      .find(item => /each of \d+ inputs/.test(item))
    const [, count, list] = /each of (\d+) inputs \(([^)]*)\)/.exec(text ?? '') ?? []
    expect(Number(count)).toBe(inputs)
    expect([...(list ?? '').matchAll(/`[^`]+`/g)]).toHaveLength(inputs)
  })
})
