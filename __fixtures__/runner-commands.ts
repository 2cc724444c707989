/**
 * The workflow commands a GitHub runner would act on in a step's stdout or stderr, written from
 * the runner's rules (actions/runner: ActionCommand.TryParseV2 and TryParse, ActionCommandManager,
 * OutputManager), to prove that nothing a server sends can act as one:
 *
 * - Output is read line by line; a line ends at LF, CR or CR LF (.NET's ReadLine).
 * - v2: after leading white space is trimmed, a line that starts with `::` names a command up to
 *   the next `::` (its name up to the first space, then `k=v` properties split on `,`); the rest
 *   is its data.
 * - v1 (legacy): `##[` anywhere in the line names a command up to the next `]` (properties split
 *   on `;`); the rest of the line is its data.
 * - Only registered commands count, case-insensitively; v2 is tried first, then v1.
 * - `stop-commands` with data TOKEN makes the runner act on nothing until a line that parses as
 *   the command TOKEN (in either syntax), which resumes processing.
 * @module
 */

/** One command the runner acted on. */
export interface RunnerCommand {
  /** 0-based index of the line, as the runner splits lines. */
  readonly line: number
  readonly syntax: 'v1' | 'v2'
  /** Lower-case name. */
  readonly name: string
  readonly properties: Readonly<Record<string, string>>
  readonly data: string
}

/** The commands a runner registers (ActionCommandManager and its extensions). */
export const RegisteredCommands: readonly string[] = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
]

/** Every command the runner would act on in `output`, stop and resume commands included. */
export function parseRunnerCommands(output: string): RunnerCommand[] {
  const registered = new Set(RegisteredCommands)
  let stopToken: string | undefined
  const acted: RunnerCommand[] = []
  for (const [index, line] of output.split(/\r\n|\r|\n/).entries()) {
    if (!line.includes('##[') && !line.includes('::')) continue
    const parsed = parseV2(line, registered) ?? parseV1(line, registered)
    if (!parsed) continue
    const command = { line: index, ...parsed }
    if (stopToken !== undefined) {
      if (command.name === stopToken.toLowerCase()) {
        registered.delete(command.name)
        stopToken = undefined
        acted.push(command)
      }
      continue
    }
    if (command.name === 'stop-commands') {
      stopToken = command.data
      registered.add(command.data.toLowerCase())
    }
    acted.push(command)
  }
  return acted
}

type Parsed = Omit<RunnerCommand, 'line'>

function parseV2(line: string, registered: ReadonlySet<string>): Parsed | undefined {
  // .NET's TrimStart; JavaScript's \s is a superset but for U+0085, added here.
  const message = line.replace(/^[\s\u0085]+/, '')
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      const at = pair.indexOf('=')
      if (at > 0 && at < pair.length - 1) {
        properties[pair.slice(0, at)] = unescape(pair.slice(at + 1), ['%3A', ':'], ['%2C', ','])
      }
    }
  }
  return { syntax: 'v2', name, properties, data: unescape(message.slice(end + 2)) }
}

function parseV1(line: string, registered: ReadonlySet<string>): Parsed | undefined {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const info = line.slice(prefix + 3, close)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info.slice(space + 1).split(';')) {
      const at = pair.indexOf('=')
      if (at > 0 && at < pair.length - 1) {
        properties[pair.slice(0, at)] = unescape(pair.slice(at + 1), ['%3B', ';'], ['%5D', ']'])
      }
    }
  }
  return {
    syntax: 'v1',
    name,
    properties,
    data: unescape(line.slice(close + 1), ['%3B', ';'], ['%5D', ']'])
  }
}

function unescape(text: string, ...extra: [string, string][]): string {
  let result = text
  for (const [escaped, raw] of [...extra, ['%0D', '\r'], ['%0A', '\n'], ['%25', '%']]) {
    result = result.split(escaped).join(raw)
  }
  return result
}
