import { expect } from '@jest/globals'
import { parseOutputFile, runnerLines, type ActionRun } from '../scripts/action-runner.mjs'
import { Outputs } from '../src/common/constants.js'
import { parseRunnerCommands, type RunnerCommand } from './runner-commands.js'

/** Marks every piece of server text, so a test can tell it from the action's own words. */
export const Mark = 'PWNED'

/**
 * Text a hostile server sends: each workflow-command syntax at a line start, after white
 * space, after a carriage return and mid-line; `stop-commands` in both syntaxes; Markdown and
 * HTML that would render as links and images; ANSI and bidi controls. Every command's data or
 * first property starts with `Mark`, so a command the runner took from server text shows.
 */
export const HostileLines: readonly string[] = [
  `::add-mask::${Mark}-v2-line-start`,
  `   ::set-output name=status::${Mark}-v2-after-spaces`,
  `\t::error file=${Mark}.ts,line=1::${Mark}-v2-after-tab`,
  `::warning::${Mark}-v2-warning`,
  `::group::${Mark}-group`,
  '::endgroup::',
  `::stop-commands::${Mark}-stop-v2`,
  `text\r::add-mask::${Mark}-after-carriage-return`,
  `##[add-mask]${Mark}-v1-line-start`,
  `mid-line ##[set-output name=status]${Mark}-v1-mid-line`,
  `##[stop-commands]${Mark}-stop-v1`,
  `{"Name":"##[error]${Mark}-v1-in-json"}`,
  `[${Mark} link](https://evil.example/${Mark}) ![${Mark} image](https://evil.example/${Mark}.png) ` +
    `<img src="https://evil.example/${Mark}.png"> <a href="https://evil.example/">${Mark}</a> ` +
    `**${Mark}** <script>${Mark}</script> </pre></details><h1>${Mark}</h1>`,
  `\u001b[31m${Mark}-ansi\u001b[0m \u202e${Mark}-bidi\u202c \u0007${Mark}-bell`
]

/** The hostile lines as one text, lines rotated so that `first` leads (messages keep ~300 characters). */
export function hostileText(first = 0): string {
  return [...HostileLines.slice(first), ...HostileLines.slice(0, first)].join('\n')
}

/** A JSON body with the hostile lines as F&O's `Message`, as values and as a key. */
export function hostileJson(first = 0): Record<string, unknown> {
  return {
    Message: hostileText(first),
    ExceptionType: `##[add-mask]${Mark}-exception-type`,
    Lines: HostileLines,
    [`::error::${Mark}-key`]: true
  }
}

/**
 * Asserts that a runner would act on no command that came from server text, in stdout or
 * stderr: every command it acts on is one the action printed itself (v2 at column 0, data and
 * properties its own), each pause of commands ends with its own random token, and groups pair up.
 */
export function expectNoServerCommands(run: ActionRun): void {
  expect(parseRunnerCommands(run.stderr)).toEqual([])
  const lines = runnerLines(run.stdout)
  const commands = parseRunnerCommands(run.stdout)
  const fromServer = commands.filter(
    command =>
      command.syntax !== 'v2' ||
      !lines[command.line]?.startsWith(`::${command.name}`) ||
      startsWithMark(command.data) ||
      Object.values(command.properties).some(startsWithMark)
  )
  expect(fromServer.map(describe)).toEqual([])

  // stop-commands only with a random token, always resumed by it before the next command.
  for (const [index, command] of commands.entries()) {
    if (command.name !== 'stop-commands') continue
    expect(command.data).toMatch(/^[0-9a-f]{32}$/)
    expect(commands[index + 1]?.name).toBe(command.data)
  }
  let open = 0
  for (const command of commands) {
    if (command.name === 'group') open++
    if (command.name === 'endgroup') open--
    expect(open === 0 || open === 1).toBe(true)
  }
  expect(open).toBe(0)
  expect(commands.filter(command => command.name === 'error').length).toBeLessThanOrEqual(1)
}

/**
 * Asserts that the job summary renders no server text as Markdown or HTML: every bit of it
 * sits in a `<pre>` block with no raw `<` and no entity but the three escapes, and no control
 * character is left anywhere.
 */
export function expectInertSummary(run: ActionRun): void {
  const blocks = run.summary.match(/<pre>[^<]*<\/pre>/g) ?? []
  const outside = run.summary.replace(/<pre>[^<]*<\/pre>/g, '<pre></pre>')
  expect(outside).not.toContain(Mark)
  for (const block of blocks) {
    expect(block.replace(/&(?:amp|lt|gt);/g, '')).not.toContain('&')
  }
  // No control character may be left; CR LF is @actions/core's own line end on Windows (os.EOL).
  expect(run.summary).not.toMatch(
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]|\r(?!\n)/
  )
}

/**
 * Asserts that GITHUB_OUTPUT holds exactly the action's outputs, each once, with the status
 * the server gave, and an `error` that a later step may echo without effect.
 */
export function expectExactOutputs(run: ActionRun, status: string): void {
  const names = [...run.outputFile.matchAll(/^([^\n<]+)<<ghadelimiter_[0-9a-f-]+$/gm)].map(
    match => match[1]
  )
  expect(names.sort()).toEqual(Object.values(Outputs).sort())
  expect(Object.keys(parseOutputFile(run.outputFile)).sort()).toEqual(Object.values(Outputs).sort())
  expect(run.outputs['status']).toBe(status)
  expect(parseRunnerCommands(run.outputs['error'] ?? '')).toEqual([])
  expect(run.outputs['error']).not.toMatch(/[\r\n]/)
}

function startsWithMark(text: string): boolean {
  return text.trimStart().startsWith(Mark)
}

function describe(command: RunnerCommand): string {
  return `line ${command.line}: ${command.syntax} ${command.name} ${JSON.stringify(command.properties)} ${command.data.slice(0, 80)}`
}
