import { Inputs } from '../common/constants.js'
import { describeJsonError } from '../common/json-syntax.js'
import type { PayloadProblem } from '../common/payload-source.js'

/**
 * One call as the user wrote it: an item of `calls` or a line of `calls-file`. A field left
 * out takes the step's input of the same name.
 */
export interface CallSpec {
  /** What the log, results and summary call it; undefined = a default from its position. */
  readonly name: string | undefined
  readonly serviceName: string | undefined
  /** The JSON text to send (an object given as YAML/JSON as written); undefined = the step's. */
  readonly payload: string | undefined
  /** A file whose bytes are the payload (`payload-file`); not with `payload`. */
  readonly payloadFile?: string
  readonly method: string | undefined
  readonly successWhen: string | undefined
  readonly failWhen: string | undefined
}

/** The keys a call object may hold, as the user writes them (the step's input names, and `name`). */
export const CallKeys = {
  name: 'name',
  serviceName: Inputs.ServiceName,
  payload: Inputs.Payload,
  payloadFile: Inputs.PayloadFile,
  method: Inputs.Method,
  successWhen: Inputs.SuccessWhen,
  failWhen: Inputs.FailWhen
} as const

const KnownKeys: ReadonlySet<string> = new Set(Object.values(CallKeys))

/** The longest `name` a call may have: it appears in log lines and a table cell. */
export const MaxCallNameChars = 200

/** The accepted keys, for messages. */
export const CallKeyList = Object.values(CallKeys).join(', ')

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reads one call object. Returns why it is not one instead (one line, never quoting a payload,
 * which may hold personal data): an unknown key, a field that is not a string, a payload that
 * is not JSON.
 */
export async function readCallObject(
  value: unknown,
  payloadText?: string | PayloadProblem
): Promise<CallSpec | { problem: string }> {
  if (!isRecord(value)) {
    return { problem: `expected an object with ${CallKeyList}; got ${kindOf(value)}` }
  }
  const unknown = Object.keys(value).find(key => !KnownKeys.has(key))
  if (unknown !== undefined) {
    return {
      problem: `unknown key '${unknown.slice(0, 40)}' (a call may have ${CallKeyList})`
    }
  }
  const texts: Record<string, string | undefined> = {}
  for (const key of [
    CallKeys.name,
    CallKeys.serviceName,
    CallKeys.payloadFile,
    CallKeys.method,
    CallKeys.successWhen,
    CallKeys.failWhen
  ]) {
    const field = value[key]
    if (field === undefined || field === null) continue
    if (typeof field !== 'string') {
      return { problem: `'${key}' must be a string; got ${kindOf(field)}` }
    }
    texts[key] = field.trim() === '' ? undefined : field.trim()
  }
  const name = texts[CallKeys.name]
  if (name !== undefined && name.length > MaxCallNameChars) {
    return { problem: `'${CallKeys.name}' is longer than ${MaxCallNameChars} characters` }
  }
  const payload = await readPayload(value[CallKeys.payload], payloadText)
  if (typeof payload === 'object') return payload
  const payloadFile = texts[CallKeys.payloadFile]
  if (payload !== undefined && payloadFile !== undefined) {
    return {
      problem: `give '${CallKeys.payload}' or '${CallKeys.payloadFile}', not both: ${CallKeys.payloadFile} names a file of the payload`
    }
  }
  return {
    name,
    serviceName: texts[CallKeys.serviceName],
    payload,
    ...(payloadFile === undefined ? {} : { payloadFile }),
    method: texts[CallKeys.method],
    successWhen: texts[CallKeys.successWhen],
    failWhen: texts[CallKeys.failWhen]
  }
}

/**
 * A call's payload as JSON text: a string must already be JSON; an object or a list is sent as
 * `payloadText`, its text as the user wrote it (see payload-source.ts), never re-serialised.
 * Nothing (or null) leaves the step's payload.
 */
export async function readPayload(
  value: unknown,
  payloadText?: string | PayloadProblem
): Promise<string | undefined | { problem: string }> {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined
    const problem = await describeJsonError(value)
    return problem === undefined ? value : { problem: `'payload' is not valid JSON: ${problem}` }
  }
  if (typeof value === 'object') {
    // Re-serialising the parsed value would change its numbers: only its own text is sent.
    return payloadText ?? { problem: `'payload' could not be read as written` }
  }
  return {
    problem: `'payload' must be a JSON object (or its JSON text); got ${kindOf(value)}`
  }
}

/** What a value is, for a message that must not quote it. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  switch (typeof value) {
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}
