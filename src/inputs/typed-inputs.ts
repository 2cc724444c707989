import { Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import { parseEnvironmentUrl } from '../common/endpoint-url.js'
import { parseTimespan } from '../common/timespan.js'
import { expectedExpression, expressionProblem } from '../call/expression-check.js'
import { parseRetryOn, RetryOnChoices, type RetryOn } from '../transport/retry-classes.js'
import { input, type InputName } from './input-reader.js'

/** A duration `hh:mm:ss` in milliseconds; `fallback` when empty, 00:00:00 = no limit. */
export function readTimespan(name: InputName, fallback: string): number {
  const text = input(name) || fallback
  const ms = parseTimespan(text)
  if (ms === undefined) {
    throw new InputError(
      name,
      `Invalid ${name} '${text.slice(0, 40)}'. Expected hh:mm:ss with hh ≤ 23, mm ≤ 59, ss ≤ 59, e.g. 00:05:00 (00:00:00 = no limit).`
    )
  }
  return ms
}

/** A whole number from `min` to `max`; `fallback` when empty. */
export function readWholeNumber(name: InputName, max: number, fallback = 0, min = 0): number {
  const text = input(name) || String(fallback)
  if (!/^\d{1,6}$/.test(text) || Number(text) > max || Number(text) < min) {
    throw new InputError(
      name,
      `Invalid ${name} '${text.slice(0, 40)}'. Expected a whole number from ${min} to ${max}.`
    )
  }
  return Number(text)
}

const ByteUnits: Readonly<Record<string, number>> = {
  '': 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3
}

/** A size: whole bytes, or a whole number of KiB, MiB or GiB (`10MiB`); 0 means no limit. */
export function readByteSize(name: InputName, fallback: number): number {
  const text = input(name)
  if (!text) return fallback
  const match = /^(\d{1,16}) ?(kib|mib|gib)?$/i.exec(text)
  const bytes = match ? Number(match[1]) * (ByteUnits[(match[2] ?? '').toLowerCase()] ?? 0) : NaN
  if (!Number.isSafeInteger(bytes)) {
    throw new InputError(
      name,
      `Invalid ${name} '${text.slice(0, 40)}'. Expected a whole number of bytes, or of KiB, MiB or GiB, e.g. 1073741824 or 1GiB (0 = no limit).`
    )
  }
  return bytes
}

const MaxExpressionChars = 2000

/** A JMESPath input, compiled once here so that a bad one fails before any request. */
export async function readExpression(name: InputName): Promise<string | undefined> {
  const text = input(name)
  if (!text) return undefined
  if (text.length > MaxExpressionChars) {
    throw new InputError(
      name,
      `Invalid ${name}: ${text.length} characters, more than ${MaxExpressionChars}.`
    )
  }
  const problem = await expressionProblem(text)
  if (problem !== undefined) {
    throw new InputError(
      name,
      `Invalid ${name} '${text.slice(0, 100)}': ${problem}${capitalised(expectedExpression(problem))}.`
    )
  }
  return text
}

/** `; expected …` as a sentence of its own: `. Expected …`. */
function capitalised(clause: string): string {
  return clause.replace(/^; (.)/, (_, first: string) => `. ${first.toUpperCase()}`)
}

/** An F&O environment's URL (`text`, read by the caller), or undefined when empty. */
export function readEnvironmentUrl(name: InputName, text: string): string | undefined {
  if (!text) return undefined
  const parsed = parseEnvironmentUrl(text)
  if ('problem' in parsed) {
    throw new InputError(
      name,
      `Invalid ${name}: ${parsed.problem}. Expected ${parsed.expected ?? 'e.g. https://contoso.operations.dynamics.com'}.`
    )
  }
  return parsed.url
}

/** `retry-on`: a comma list of the retry classes. */
export function readRetryOn(): RetryOn {
  const text = input(Inputs.RetryOn)
  const parsed = parseRetryOn(text)
  if ('unknown' in parsed) {
    throw new InputError(
      Inputs.RetryOn,
      `Invalid ${Inputs.RetryOn} '${text.slice(0, 60)}': '${parsed.unknown.slice(0, 40)}' is not one of ${RetryOnChoices}. Expected a comma list, e.g. unavailable, network.`
    )
  }
  return Object.freeze(parsed)
}
