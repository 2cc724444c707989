/**
 * The answer as a check sees it: which of the fields an expression reads the answer has (and in
 * which letter case), their values for the log, and F&O's own message fields for a failure.
 * Everything taken from the answer is shown scrubbed first, then cut.
 * @module
 */
import type { FieldRead } from './expression-check.js'
import { shownText, shownValue } from '../common/shown-value.js'

type Json = unknown

function asObject(value: Json): Record<string, Json> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, Json>)
    : undefined
}

// A list's elements are compared by the keys of its first elements only.
const MaxElementsLooked = 100

/** The keys of the objects among the first elements of `list`. */
function elementKeys(list: Json): Set<string> {
  const keys = new Set<string>()
  if (!Array.isArray(list)) return keys
  for (const element of list.slice(0, MaxElementsLooked)) {
    for (const key of Object.keys(asObject(element) ?? {})) keys.add(key)
  }
  return keys
}

/** A field read under one name that the answer has only in another letter case. */
export interface CaseMismatch {
  /** How the expression writes it, e.g. `status` or `InfoMessages[].type`. */
  readonly read: string
  /** How the answer spells it, e.g. `Status`. */
  readonly has: string
}

/** The first field the answer has only with other letter case; undefined when there is none. */
export function caseMismatch(answer: Json, fields: readonly FieldRead[]): CaseMismatch | undefined {
  const root = asObject(answer)
  if (!root) return undefined
  for (const field of fields) {
    const keys =
      field.elementsOf === undefined
        ? new Set(Object.keys(root))
        : elementKeys(root[field.elementsOf])
    if (keys.has(field.name)) continue
    const lower = field.name.toLowerCase()
    const has = [...keys].find(key => key.toLowerCase() === lower)
    if (has !== undefined) {
      const read =
        field.elementsOf === undefined ? field.name : `${field.elementsOf}[].${field.name}`
      return { read, has }
    }
  }
  return undefined
}

/** The fields read from the root that the answer does not have (all of them when it is no object). */
export function missingFields(answer: Json, fields: readonly FieldRead[]): string[] {
  const root = asObject(answer)
  return fields
    .filter(field => field.elementsOf === undefined && !(root && field.name in root))
    .map(field => field.name)
}

/** The root fields an expression reads, as given (not answer text). */
export function rootFields(fields: readonly FieldRead[]): string[] {
  return fields.filter(field => field.elementsOf === undefined).map(field => field.name)
}

const MaxKeysShown = 20

/** The answer's top-level keys for a message (bounded, scrubbed), or what it is instead of an object. */
export function describeKeys(answer: Json): string {
  const root = asObject(answer)
  if (!root)
    return `the answer is ${Array.isArray(answer) ? 'a list' : `${typeof answer === 'object' ? 'null' : `a ${typeof answer}`}`}, not an object`
  const keys = Object.keys(root)
  if (keys.length === 0) return 'the answer is an empty object'
  const shown = keys.slice(0, MaxKeysShown).map(key => shownText(key, 40))
  const more = keys.length > MaxKeysShown ? ` and ${keys.length - MaxKeysShown} more` : ''
  return `its keys: ${shown.join(', ')}${more}`
}

/** `Status = "Executing", Result = (missing)`: the root fields read and their values. */
export function describeFields(answer: Json, names: readonly string[]): string {
  const root = asObject(answer)
  return names
    .slice(0, 5)
    .map(name => `${name} = ${root && name in root ? shownValue(root[name]) : '(missing)'}`)
    .join(', ')
}

// F&O's message fields, by lower-case name: what a custom service or its envelope uses to explain.
const MessageFields = ['message', 'infomessages', 'infolog', 'errors', 'errormessage']
const MaxMessages = 5
const MaxMessageChars = 300

/**
 * F&O's own words in an answer: `Message`, `InfoMessages[].Text`, `Infolog`, `Errors` and
 * `ErrorMessage` (any letter case; strings, lists of strings, or objects with Text or Message),
 * joined with '; ', scrubbed and then cut; undefined when the answer holds none.
 */
export function foMessages(answer: Json): string | undefined {
  const root = asObject(answer)
  if (!root) return undefined
  const texts: string[] = []
  // A list is read one level deep, as the shapes above are: a list nested 200,000 deep must not
  // overflow the stack while the answer is explained.
  const add = (value: Json, inList = false): void => {
    if (texts.length >= MaxMessages) return
    if (typeof value === 'string') {
      if (value.trim() !== '') texts.push(value.trim())
    } else if (Array.isArray(value)) {
      if (!inList) for (const item of value.slice(0, MaxMessages)) add(item, true)
    } else {
      const record = asObject(value)
      if (!record) return
      const text = Object.entries(record).find(([key]) => /^(text|message)$/i.test(key))?.[1]
      if (typeof text === 'string') add(text, true)
    }
  }
  for (const wanted of MessageFields) {
    for (const [key, value] of Object.entries(root)) {
      if (key.toLowerCase() === wanted) add(value)
    }
  }
  if (texts.length === 0) return undefined
  return shownText(texts.map(text => shownText(text, MaxMessageChars)).join('; '), MaxMessageChars)
}
