import type { Node } from 'yaml'
import { MaxCallNameChars, readCallObject, type CallSpec } from '../call/call-spec.js'
import { oneLine } from '../common/errors.js'
import { jsonPayloadTexts, yamlPayloadText, type PayloadProblem } from '../common/payload-source.js'
import { scrubAndCut } from '../common/secrets.js'

/** The most items `calls` may list; more belong in a `calls-file`. */
export const MaxListedCalls = 1000

/**
 * The longest `calls` text read, in characters. The runner passes an input as one environment
 * string, which Linux limits to 128 KiB (a longer one fails before the action starts), so no
 * longer list can arrive; a calls-file has no such limit.
 */
export const MaxCallsChars = 128 * 1024

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
  const { list, payloadTexts } = await parseYamlOrJson(text)
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
    const payload = (item as { payload?: unknown } | null)?.payload
    // Only an object payload needs its text: a list of strings costs no second parser.
    const text =
      typeof payload === 'object' && payload !== null ? await payloadTexts(index) : undefined
    const call = await readCallObject(item, text)
    if ('problem' in call) {
      const name = (item as { name?: unknown } | null)?.name
      const valid = typeof name === 'string' && name.trim() && name.length <= MaxCallNameChars
      const named = valid ? ` ('${name.trim()}')` : ''
      throw new CallListProblem(`item ${index + 1}${named}: ${call.problem}`)
    }
    calls.push(call)
  }
  return calls
}

/** The list as values, and for each item the exact JSON text of an object payload. */
interface ParsedList {
  readonly list: unknown
  payloadTexts(index: number): Promise<string | PayloadProblem | undefined>
}

async function parseYamlOrJson(text: string): Promise<ParsedList> {
  if (text.trimStart().startsWith('[')) {
    let list: unknown
    try {
      list = JSON.parse(text) as unknown
    } catch {
      // A YAML flow sequence (unquoted keys) starts with '[' too.
    }
    if (list !== undefined) {
      let texts: Promise<Map<number, string> | PayloadProblem> | undefined
      return {
        list,
        async payloadTexts(index) {
          texts ??= jsonPayloadTexts(text, true)
          const found = await texts
          return found instanceof Map ? found.get(index) : found
        }
      }
    }
  }
  const { parseDocument, isSeq, isMap, isScalar } = await import('yaml')
  let document
  try {
    document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  } catch (error) {
    // The YAML parser recurses into flow collections: hostile nesting exhausts its stack.
    throw new CallListProblem(`not valid YAML: ${scrubAndCut(oneLine(error), 200)}`)
  }
  const [error] = document.errors
  if (error !== undefined) {
    // The first line says what and where; the rest quotes the text, which may hold a payload.
    throw new CallListProblem(`not valid YAML: ${oneLine(error.message.split('\n')[0] ?? '')}`)
  }
  let list: unknown
  try {
    list = document.toJS({ maxAliasCount: 100 }) as unknown
  } catch (error) {
    throw new CallListProblem(`not valid YAML: ${scrubAndCut(oneLine(error), 200)}`)
  }
  const items = isSeq(document.contents) ? document.contents.items : []
  return {
    list,
    async payloadTexts(index) {
      const item = items[index]
      const payload = isMap(item) ? item.get('payload', true) : undefined
      // A string payload is used as it is; a mapping, a sequence or an alias is written as JSON.
      if (payload === undefined || payload === null || isScalar(payload)) return undefined
      return yamlPayloadText(payload as Node, document)
    }
  }
}
