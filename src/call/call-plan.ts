import { boundedMemo } from '../common/bounded-memo.js'
import type { CallSpec } from './call-spec.js'
import { encodeText, type Charset } from '../common/charset.js'
import { Inputs } from '../common/constants.js'
import { buildServiceUrl } from '../common/endpoint-url.js'
import { resolveMethod } from './method-rule.js'
import { expectedExpression, expressionProblem } from './expression-check.js'
import { readPayloadFile, type EncodedPayload } from './payload-file.js'
import { parseServiceName } from '../common/service-name.js'

/** The step's inputs that every call of a many-calls step takes unless it sets its own. */
export interface CallDefaults {
  /** The step's `service-name`; undefined when each call must give one. */
  readonly serviceName: string | undefined
  /** The step's `payload` (valid JSON); undefined when none. */
  readonly payload: string | undefined
  /** The step's `method` as written ('' = auto). */
  readonly method: string
  readonly successWhen: string | undefined
  readonly failWhen: string | undefined
  /** The step's `payload-file`, read and checked; undefined when none. */
  readonly filePayload?: EncodedPayload
  /** `payload-charset`, for every call's payload. */
  readonly charset: Charset
  /** The F&O environment every call goes to. */
  readonly systemUrl: string
}

/** One call of many, ready to send. */
export interface PreparedCall {
  /** What the log, results and summary call it. */
  readonly name: string
  /** Its position among the calls, from 1. */
  readonly index: number
  /** Its line in `calls-file`; undefined for `calls`. */
  readonly line: number | undefined
  /** `Group/Service/Operation` (or `/`). */
  readonly serviceName: string
  readonly method: 'GET' | 'POST'
  readonly url: string
  /** Encoded payload; undefined for GET, empty for a POST without payload. */
  readonly body: Buffer | undefined
  /** The payload as JSON text, for the contract doctor; undefined for GET or without one. */
  readonly payload: string | undefined
  readonly contentType: string | undefined
  readonly successWhen: string | undefined
  readonly failWhen: string | undefined
}

/** Where a call sits: its position (from 1) and, for a calls-file, its line. */
export interface CallPosition {
  readonly index: number
  readonly line?: number
}

type Problem = { problem: string }

/**
 * Combines a call with the step's defaults and checks it as the step's own inputs are checked:
 * a service name of AOT names, a method that fits it, a payload the charset can encode, JMESPath
 * checks that compile. Returns why it cannot be sent instead (one sentence, never quoting the
 * payload).
 */
export async function prepareCall(
  spec: CallSpec,
  defaults: CallDefaults,
  position: CallPosition,
  compiled: ExpressionCache = createExpressionCache(),
  env: Readonly<Record<string, string | undefined>> = process.env
): Promise<PreparedCall | Problem> {
  const service = callService(spec, defaults)
  if ('problem' in service) return service
  const payloads = callPayloads(spec, defaults)
  const rule = resolveMethod(
    spec.method ?? defaults.method,
    service.name,
    service.segments.length,
    payloads.text !== undefined || payloads.file !== undefined || spec.payloadFile !== undefined
  )
  if ('problem' in rule) return { problem: unsentence(rule.problem) }
  const fromFile =
    spec.payloadFile === undefined
      ? payloads.file
      : await readPayloadFile(spec.payloadFile, defaults.charset, env)
  if (fromFile !== undefined && 'problem' in fromFile) return fromFile
  const sent =
    rule.method === 'POST'
      ? await postBody(payloads.text, fromFile, defaults.charset)
      : { body: undefined, contentType: undefined }
  if ('problem' in sent) return sent
  const problem = await ownExpressionsProblem(spec, compiled)
  if (problem !== undefined) return { problem }

  return {
    name:
      spec.name ??
      (position.line === undefined ? `call ${position.index}` : `line ${position.line}`),
    index: position.index,
    line: position.line,
    serviceName: service.segments.length === 0 ? '/' : service.segments.join('/'),
    method: rule.method,
    url: buildServiceUrl(defaults.systemUrl, service.segments),
    body: sent.body,
    payload: rule.method === 'POST' ? (fromFile?.text ?? payloads.text) : undefined,
    contentType: sent.contentType,
    successWhen: spec.successWhen ?? defaults.successWhen,
    failWhen: spec.failWhen ?? defaults.failWhen
  }
}

/** The call's service name (its own or the step's) and its segments. */
function callService(
  spec: CallSpec,
  defaults: CallDefaults
): { name: string; segments: readonly string[] } | Problem {
  const name = spec.serviceName ?? defaults.serviceName
  if (name === undefined) {
    return {
      problem: `no ${Inputs.ServiceName}: give it for the call, or as the step's input for every call`
    }
  }
  const segments = parseServiceName(name)
  if (!segments) {
    return {
      problem: `invalid ${Inputs.ServiceName} '${name.slice(0, 100)}': expected ServiceGroup/Service/Operation (1 to 3 names of letters, digits and _; / lists every service group)`
    }
  }
  return { name, segments }
}

/** The step's payload and payload-file, unless the call gives a payload of its own. */
function callPayloads(
  spec: CallSpec,
  defaults: CallDefaults
): { text: string | undefined; file: EncodedPayload | undefined } {
  const own = spec.payload !== undefined || spec.payloadFile !== undefined
  return own
    ? { text: spec.payload, file: undefined }
    : { text: defaults.payload, file: defaults.filePayload }
}

/** A POST's body: the file's bytes as they are, or the payload text in the step's charset. */
async function postBody(
  payload: string | undefined,
  fromFile: EncodedPayload | undefined,
  charset: Charset
): Promise<{ body: Buffer; contentType: string | undefined } | Problem> {
  if (fromFile !== undefined) return { body: fromFile.body, contentType: fromFile.contentType }
  const encoded = await encodeText(payload ?? '', charset)
  if ('unrepresentable' in encoded) {
    const code = encoded.unrepresentable.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')
    return {
      problem: `the ${Inputs.Payload} has U+${code}, which ${Inputs.PayloadCharset} '${charset.name}' cannot encode; use UTF-8, or escape it in the JSON as \\u${code}`
    }
  }
  return {
    body: encoded.bytes,
    contentType: payload ? `application/json;charset=${charset.name}` : undefined
  }
}

/** Why the call's own success-when or fail-when does not compile (the step's were checked). */
async function ownExpressionsProblem(
  spec: CallSpec,
  compiled: ExpressionCache
): Promise<string | undefined> {
  for (const [input, expression] of [
    [Inputs.SuccessWhen, spec.successWhen],
    [Inputs.FailWhen, spec.failWhen]
  ] as const) {
    if (expression === undefined) continue
    const problem = await compiled.problem(expression)
    if (problem !== undefined) {
      return `invalid ${input} '${expression.slice(0, 100)}': ${problem}${expectedExpression(problem)}`
    }
  }
  return undefined
}

/** Compiles each distinct JMESPath expression once, however many calls repeat it. */
export interface ExpressionCache {
  /** Why `expression` does not compile, or undefined when it does. */
  problem(expression: string): Promise<string | undefined>
}

/** A cache of at most 256 expressions (older ones are compiled again when they come back). */
export function createExpressionCache(): ExpressionCache {
  return { problem: boundedMemo(expressionProblem) }
}

/** A message sentence as part of a longer line: no capital first letter, no final period. */
function unsentence(text: string): string {
  const trimmed = text.replace(/\.$/, '')
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1)
}
