import type { Document, Node as YamlNode } from 'yaml'
import { jsonDepth, MaxJsonDepth } from './json-text.js'

/**
 * A payload written as an object (in `calls` or a call line of `calls-file`) is sent as the
 * user wrote it: parsing it into JavaScript values and serialising it again would turn the int64
 * 9223372036854775807 into 9223372036854776000, 1234567890123456.78 into …456.8 and 1e400 into
 * null. JSON keeps its own text; YAML is written as JSON from its syntax tree, each number as its
 * source literal.
 * @module
 */

/** Why a payload cannot be sent as written: one phrase, never quoting the payload. */
export interface PayloadProblem {
  readonly problem: string
}

const TooDeep = `'payload' is nested deeper than ${MaxJsonDepth} levels`

/**
 * The source text of the `payload` member of each object in `json` (a call object, or a JSON
 * array of them when `list` is true), for the members whose value is an object or a list, by
 * the item's position (0 for a single object). `json` must be valid JSON. A problem when it
 * nests deeper than a payload may.
 */
export async function jsonPayloadTexts(
  json: string,
  list: boolean
): Promise<Map<number, string> | PayloadProblem> {
  // The parser that reports source ranges recurses, so nesting is bounded first (one linear pass).
  const limit = MaxJsonDepth + (list ? 2 : 1)
  if (jsonDepth(json, limit) > limit) return { problem: TooDeep }
  const { parseTree } = await import('jsonc-parser')
  const root = parseTree(json)
  const items = list ? (root?.type === 'array' ? (root.children ?? []) : []) : root ? [root] : []
  const texts = new Map<number, string>()
  for (const [position, item] of items.entries()) {
    if (item.type !== 'object') continue
    // The last member of a name wins, as JSON.parse decides.
    const member = (item.children ?? [])
      .filter(property => property.children?.[0]?.value === 'payload')
      .at(-1)?.children?.[1]
    if (member && (member.type === 'object' || member.type === 'array')) {
      texts.set(position, json.slice(member.offset, member.offset + member.length))
    }
  }
  return texts
}

// The number literals JSON accepts; a YAML number written so is sent as written.
const JsonNumber = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** The longest JSON a YAML payload may expand to (aliases can multiply a short text). */
const MaxYamlPayloadChars = 4 * 1024 * 1024

/**
 * A payload given as a YAML (or JSON-in-YAML) mapping or sequence, as JSON text: strings,
 * booleans and null as JSON writes them, each number as its source literal when that is a JSON
 * number, or as the exact integer it denotes (0x1F, +12); a number that cannot be sent exactly
 * (.inf, .nan, a hexadecimal beyond 2^53) is a problem naming it.
 */
export async function yamlPayloadText(
  node: YamlNode,
  document: Document
): Promise<string | PayloadProblem> {
  const { isAlias, isMap, isScalar, isSeq } = await import('yaml')
  let out = ''
  let aliases = 0
  const write = (item: unknown, depth: number): PayloadProblem | undefined => {
    if (depth > MaxJsonDepth) return { problem: TooDeep }
    if (out.length > MaxYamlPayloadChars) {
      return { problem: `'payload' is longer than ${MaxYamlPayloadChars} characters as JSON` }
    }
    if (isAlias(item)) {
      if (++aliases > 100) return { problem: `'payload' uses more than 100 aliases` }
      return write(item.resolve(document), depth)
    }
    if (isScalar(item)) return writeScalar(item.value, item.source)
    if (isSeq(item)) {
      out += '['
      for (const [index, entry] of item.items.entries()) {
        if (index > 0) out += ','
        const problem = write(entry, depth + 1)
        if (problem) return problem
      }
      out += ']'
      return undefined
    }
    if (isMap(item)) {
      out += '{'
      for (const [index, pair] of item.items.entries()) {
        if (index > 0) out += ','
        const key = isScalar(pair.key) ? pair.key.value : pair.key
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
          return { problem: `'payload' has a key that is not text` }
        }
        const name = isScalar(pair.key) && typeof key !== 'string' ? pair.key.source : key
        out += `${JSON.stringify(String(name ?? key))}:`
        const problem = write(pair.value ?? null, depth + 1)
        if (problem) return problem
      }
      out += '}'
      return undefined
    }
    if (item === null) {
      out += 'null'
      return undefined
    }
    return { problem: `'payload' holds a value JSON cannot hold` }
  }
  const writeScalar = (value: unknown, source: string | undefined): PayloadProblem | undefined => {
    if (typeof value === 'number' || typeof value === 'bigint') {
      const literal = source?.trim() ?? ''
      if (JsonNumber.test(literal)) out += literal
      else if (typeof value === 'bigint' || Number.isSafeInteger(value)) out += String(value)
      else {
        return {
          problem: `'payload' has the number ${literal.slice(0, 40)}, which cannot be sent exactly as JSON; write it as a JSON number, or give the payload as JSON text`
        }
      }
      return undefined
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') {
      out += JSON.stringify(value)
      return undefined
    }
    return { problem: `'payload' holds a value JSON cannot hold (${typeof value})` }
  }
  const problem = write(node, 0)
  return problem ?? out
}
