import { readCallObject, type CallSpec } from './call-spec.js'
import { oneLine } from './errors.js'

/** The most items `calls` may list; more belong in a `calls-file`. */
export const MaxListedCalls = 1000

/** The longest `calls` text read, in characters. */
export const MaxCallsChars = 1024 * 1024

/** Why `calls` cannot be read: one line, never quoting a payload. */
export class CallListProblem extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CallListProblem'
  }
}

/**
 * Parses `calls`: a YAML (or JSON) list of call objects. JSON text costs one JSON.parse; the
 * YAML parser is loaded only for YAML, so a step without `calls` never pays for it. Throws
 * CallListProblem naming the item (from 1) and what is wrong with it.
 */
export async function parseCallList(text: string): Promise<CallSpec[]> {
  if (text.length > MaxCallsChars) {
    throw new CallListProblem(
      `it is longer than ${MaxCallsChars} characters; put the calls in a calls-file (JSON Lines) instead`
    )
  }
  const list = await parseYamlOrJson(text)
  if (!Array.isArray(list)) {
    throw new CallListProblem(
      `expected a list of calls (YAML '- service-name: …' items or a JSON array); got ${list === null ? 'nothing' : `a ${typeof list === 'object' ? 'mapping' : typeof list}`}`
    )
  }
  if (list.length === 0) throw new CallListProblem('the list is empty')
  if (list.length > MaxListedCalls) {
    throw new CallListProblem(
      `it lists ${list.length} calls, more than ${MaxListedCalls}; put them in a calls-file (JSON Lines) instead`
    )
  }
  const calls: CallSpec[] = []
  for (const [index, item] of list.entries()) {
    const call = await readCallObject(item)
    if ('problem' in call) throw new CallListProblem(`item ${index + 1}: ${call.problem}`)
    calls.push(call)
  }
  return calls
}

async function parseYamlOrJson(text: string): Promise<unknown> {
  if (text.trimStart().startsWith('[')) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      // A YAML flow sequence (unquoted keys) starts with '[' too.
    }
  }
  const { parseDocument } = await import('yaml')
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  const [error] = document.errors
  if (error !== undefined) {
    // The first line says what and where; the rest quotes the text, which may hold a payload.
    throw new CallListProblem(`not valid YAML: ${oneLine(error.message.split('\n')[0] ?? '')}`)
  }
  try {
    return document.toJS({ maxAliasCount: 100 }) as unknown
  } catch (error) {
    throw new CallListProblem(`not valid YAML: ${oneLine(error).slice(0, 200)}`)
  }
}
