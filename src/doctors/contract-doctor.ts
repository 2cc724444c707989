import type { Parameter } from './fo-catalogue.js'
import { nameDistance, typoLimit } from './name-match.js'
import { isAotName } from '../common/service-name.js'

/** A payload key that names no parameter, and the parameter it most likely meant. */
export interface UnknownKey {
  readonly key: string
  readonly nearMiss: Parameter | undefined
}

/** How a payload's top-level keys differ from an operation's parameters. */
export interface Mismatch {
  /** Keys that name no parameter (F&O ignores them). */
  readonly unknown: readonly UnknownKey[]
  /** Parameters no key names, but those an unknown key nearly names (X++ gets their default). */
  readonly missing: readonly Parameter[]
}

/**
 * The top-level keys of a payload (JSON text): [] without one, undefined when it is not a JSON
 * object (then it names no parameter at all).
 */
export function payloadKeys(payload: string | undefined): readonly string[] | undefined {
  if (payload === undefined || payload.trim() === '') return []
  try {
    const value: unknown = JSON.parse(payload)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.keys(value)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Compares keys with parameters as F&O matches them (by X++ name): a key that differs only in
 * case, in a leading underscore or by a typo is a near miss of that parameter.
 */
export function compareWithContract(
  keys: readonly string[],
  parameters: readonly Parameter[]
): Mismatch {
  const named = new Set(keys)
  const unmatched = parameters.filter(parameter => !named.has(parameter.name))
  const known = new Set(parameters.map(parameter => parameter.name))
  const unknown = keys
    .filter(key => !known.has(key))
    .map(key => ({ key, nearMiss: nearMiss(key, unmatched) }))
  const meant = new Set(unknown.map(entry => entry.nearMiss?.name))
  return { unknown, missing: unmatched.filter(parameter => !meant.has(parameter.name)) }
}

function nearMiss(key: string, parameters: readonly Parameter[]): Parameter | undefined {
  const bare = (name: string): string => name.replace(/^_+/, '').toLowerCase()
  const exact = parameters.find(parameter => bare(parameter.name) === bare(key))
  if (exact) return exact
  let best: { parameter: Parameter; distance: number } | undefined
  for (const parameter of parameters) {
    const distance = nameDistance(bare(key), bare(parameter.name), typoLimit(parameter.name))
    if (distance !== undefined && (best === undefined || distance < best.distance)) {
      best = { parameter, distance }
    }
  }
  return best?.parameter
}

// A message names a few of each; a payload of a thousand wrong keys needs no thousand names.
const MaxNamed = 5

/**
 * One sentence on what does not match, e.g. `the payload does not match the parameters of
 * CreateCustomer: 'contract' is not one of them — did you mean '_contract'
 * (SimCustomerContract)?`; undefined when the payload matches. Missing parameters are named
 * only with `withMissing` (a warning says them on their own). Only keys that are AOT names are
 * quoted: the payload is the user's own, but its keys could still hold anything.
 */
export function describeMismatch(
  operation: string,
  mismatch: Mismatch,
  withMissing = true
): string | undefined {
  const parts: string[] = mismatch.unknown.slice(0, MaxNamed).map(({ key, nearMiss }) => {
    const named = isAotName(key) ? `'${key}'` : 'a key that is no X++ name'
    return nearMiss
      ? `${named} is not one of them — did you mean ${parameterText(nearMiss)}?`
      : `${named} is not one of them`
  })
  if (mismatch.unknown.length > MaxNamed) {
    parts.push(`and ${mismatch.unknown.length - MaxNamed} more keys are not`)
  }
  if (withMissing && mismatch.missing.length > 0) parts.push(describeMissing(mismatch.missing))
  if (parts.length === 0) return undefined
  return `the payload does not match the parameters of ${operation}: ${parts.join('; ')}`
}

/** "'_journalNum' (String) is missing", "… and '_balanced' (Boolean) are missing". */
export function describeMissing(missing: readonly Parameter[]): string {
  const named = missing.slice(0, MaxNamed).map(parameterText)
  const more = missing.length > MaxNamed ? ` and ${missing.length - MaxNamed} more` : ''
  const list =
    named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
  return `${list}${more} ${missing.length === 1 ? 'is' : 'are'} missing`
}

function parameterText(parameter: Parameter): string {
  return `'${parameter.name}' (${parameter.type})`
}
