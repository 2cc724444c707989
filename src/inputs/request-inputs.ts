import { encodeText, resolveCharset, type Charset } from '../common/charset.js'
import { Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import { describeJsonError } from '../common/json-syntax.js'
import { parseServiceName } from '../common/service-name.js'
import { resolveMethod } from '../call/method-rule.js'
import type { EncodedPayload } from '../call/payload-file.js'
import { readPayloadFileInput } from './file-inputs.js'
import { input, type Environment } from './input-reader.js'

/** What the step sends: `service-name`, `method`, `payload` or `payload-file`, `payload-charset`. */
export interface RequestInputs {
  /** The service name's segments; undefined when many calls each give their own. */
  readonly segments: readonly string[] | undefined
  /** `payload` as given ('' when none). */
  readonly payload: string
  /** `payload-file` as given ('' when none). */
  readonly payloadFile: string
  /** `payload-file`, read and checked; undefined when none. */
  readonly filePayload: EncodedPayload | undefined
  readonly method: 'GET' | 'POST'
  /** The bytes a single call sends, and their Content-Type. */
  readonly body: Buffer | undefined
  readonly contentType: string | undefined
  readonly charset: Charset
}

/**
 * The request inputs, checked in the order a user fixes them. With many calls the step's
 * service name, method and payload are defaults, checked per call.
 */
export async function readRequest(manyCalls: boolean, env: Environment): Promise<RequestInputs> {
  const segments = readServiceName(manyCalls)
  const payload = input(Inputs.Payload)
  const payloadFile = input(Inputs.PayloadFile)
  if (payload && payloadFile) {
    throw new InputError(
      Inputs.PayloadFile,
      `Give ${Inputs.Payload} or ${Inputs.PayloadFile}, not both: ${Inputs.Payload} is the JSON text, ${Inputs.PayloadFile} names a file that holds it.`
    )
  }
  if (payload) await checkJson(payload)
  const method = manyCalls
    ? readMethodWord()
    : readMethod(payload !== '' || payloadFile !== '', segments?.length ?? 3)
  const encoded = await encodeBody(manyCalls ? '' : payload, method)
  const { charset } = encoded
  const filePayload = payloadFile
    ? await readPayloadFileInput(payloadFile, charset, env)
    : undefined
  const { body, contentType } =
    filePayload !== undefined && !manyCalls && method === 'POST' ? filePayload : encoded
  return { segments, payload, payloadFile, filePayload, method, body, contentType, charset }
}

/** `service-name`'s segments; undefined with many calls when the step gives none. */
function readServiceName(manyCalls: boolean): readonly string[] | undefined {
  const segments =
    manyCalls && input(Inputs.ServiceName) === ''
      ? undefined
      : parseServiceName(input(Inputs.ServiceName))
  if (!segments && !manyCalls) {
    throw new InputError(
      Inputs.ServiceName,
      `Invalid ${Inputs.ServiceName} '${input(Inputs.ServiceName).slice(0, 100)}'. Expected ServiceGroup/Service/Operation ` +
        '(1 to 3 names of letters, digits and _; / lists every service group), e.g. UserSessionService/AifUserSessionService/GetUserSessionInfo.'
    )
  }
  return segments
}

async function checkJson(payload: string): Promise<void> {
  const problem = await describeJsonError(payload)
  if (problem) {
    throw new InputError(Inputs.Payload, `Invalid ${Inputs.Payload}: not valid JSON: ${problem}.`)
  }
}

/** `method` checked as a word only: with many calls it is a default, fitted to each call. */
function readMethodWord(): 'GET' | 'POST' {
  const rule = resolveMethod(input(Inputs.Method), '', 3, false)
  if ('problem' in rule) throw new InputError(rule.input, rule.problem)
  return rule.method
}

function readMethod(hasPayload: boolean, segmentCount: number): 'GET' | 'POST' {
  const rule = resolveMethod(
    input(Inputs.Method),
    input(Inputs.ServiceName),
    segmentCount,
    hasPayload
  )
  if ('problem' in rule) throw new InputError(rule.input, rule.problem)
  return rule.method
}

/** `payload` in `payload-charset` (the charset is checked even for a GET, which sends nothing). */
async function encodeBody(
  payload: string,
  method: 'GET' | 'POST'
): Promise<{ body?: Buffer; contentType?: string; charset: Charset }> {
  const label = input(Inputs.PayloadCharset) || 'UTF-8'
  const charset = await resolveCharset(label)
  if (!charset) {
    throw new InputError(
      Inputs.PayloadCharset,
      `Invalid ${Inputs.PayloadCharset} '${label.slice(0, 40)}'. Expected a charset name such as UTF-8, UTF-16, ASCII, ISO-8859-1, windows-1252 or ANSI.`
    )
  }
  if (method === 'GET') return { charset }
  const encoded = await encodeText(payload, charset)
  if ('unrepresentable' in encoded) {
    const code = encoded.unrepresentable.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')
    throw new InputError(
      Inputs.PayloadCharset,
      `${Inputs.Payload} has U+${code}, which ${Inputs.PayloadCharset} '${label}' cannot encode. Use UTF-8, or escape it in the JSON as \\u${code}.`
    )
  }
  return {
    body: encoded.bytes,
    contentType: payload ? `application/json;charset=${charset.name}` : undefined,
    charset
  }
}
