import { buildServiceUrl } from '../common/endpoint-url.js'
import type { HttpResponse, Transport } from '../transport/http.js'
import { discardBody, readBody } from '../transport/response-body.js'
import { isAotName } from '../common/service-name.js'
import { flattenLine } from '../common/untrusted-text.js'

/**
 * What F&O lists under a path: the names it holds (AOT names only: anything else could not be
 * called, and is dropped), or that the path itself is missing (F&O's 404), or unknown (any other
 * answer, no answer, a gateway's page).
 */
export type Listing =
  | { readonly kind: 'listed'; readonly names: readonly string[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unknown'; readonly why: string }

/** One parameter of an operation, as its contract names it. */
export interface Parameter {
  /** The X++ name (an AOT name). */
  readonly name: string
  /** Its type as F&O names it, reduced to the characters a type name holds and cut short. */
  readonly type: string
}

/** An operation's contract: its parameters, or why it could not be read. */
export type Contract =
  | { readonly kind: 'found'; readonly parameters: readonly Parameter[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unknown'; readonly why: string }

/** What the catalogue needs of the step: where F&O is, how to reach it, and the call's limits. */
export interface CatalogueDeps {
  readonly transport: Pick<Transport, 'send'>
  /** The bearer token for the next request. */
  bearer(): Promise<string>
  /** `system-url`. */
  readonly systemUrl: string
  /** timeout-sec as the longest stall of a body, in ms (0 = none; the transport bounds the headers). */
  readonly stallMs: number
  /** max-response-size in bytes (0 = none); a doctor's answer is cut at 1 MiB in any case. */
  readonly maxResponseBytes: number
  /** How long a body may take in all; DoctorBodyMs unless a test says otherwise. */
  readonly bodyMs?: number
}

/** F&O's lists and contracts, read with GETs of its own (never retried), each path once per step. */
export interface Catalogue {
  /**
   * The groups (no segments), a group's services or a service's operations. Undefined once the
   * step has spent its MaxListings GETs on paths not asked before: the name doctor's budget.
   */
  list(segments: readonly string[]): Promise<Listing | undefined>
  /** An operation's parameters (one GET per operation per step, however many calls ask). */
  contract(segments: readonly string[]): Promise<Contract>
  /** GETs sent so far. */
  requests(): number
}

/** GETs the name doctor may send in one step, whatever the number of calls. */
export const MaxListings = 3
/** A doctor reads at most this much of an answer: F&O's lists and contracts are far smaller. */
export const MaxDoctorBodyBytes = 1024 * 1024
/** And waits at most this long for it, however steadily it arrives. */
export const DoctorBodyMs = 5_000
// Beyond these, a list or a contract is read no further: no real service has as many.
const MaxNames = 10_000
const MaxParameters = 200
const MaxTypeChars = 100

/** The keys F&O lists groups, services and operations under, by the depth of the path. */
const ListKeys = ['ServiceGroups', 'Services', 'Operations'] as const

/** A catalogue for one step; its answers are cached by path (case-insensitive, as F&O's names are). */
export function createCatalogue(deps: CatalogueDeps): Catalogue {
  const listings = new Map<string, Promise<Listing>>()
  const contracts = new Map<string, Promise<Contract>>()
  let sent = 0

  async function get(segments: readonly string[]): Promise<Answer> {
    sent++
    const url = buildServiceUrl(deps.systemUrl, segments)
    let response: HttpResponse
    try {
      const token = await deps.bearer()
      response = await deps.transport.send({
        method: 'GET',
        url,
        headers: { Accept: 'application/json', Authorization: `Bearer ${token}` }
      })
    } catch {
      return { kind: 'unknown', why: 'no answer' }
    }
    return readAnswer(response, deps)
  }

  return {
    list(segments) {
      const key = segments.join('/').toLowerCase()
      const known = listings.get(key)
      if (known) return known
      if (listings.size >= MaxListings) return Promise.resolve(undefined)
      const listing = get(segments).then(answer => toListing(answer, segments.length))
      listings.set(key, listing)
      return listing
    },
    contract(segments) {
      const key = segments.join('/').toLowerCase()
      let contract = contracts.get(key)
      if (!contract) {
        contract = get(segments).then(toContract)
        contracts.set(key, contract)
      }
      return contract
    },
    requests: () => sent
  }
}

type Answer =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unknown'; readonly why: string }

/** A 200 with JSON, F&O's own 404, or anything else (described in a few words of ours). */
async function readAnswer(response: HttpResponse, deps: CatalogueDeps): Promise<Answer> {
  const { status } = response
  if (status !== 200 && status !== 404) {
    discardBody(response.body)
    return { kind: 'unknown', why: `HTTP ${status}` }
  }
  const cap =
    deps.maxResponseBytes > 0
      ? Math.min(deps.maxResponseBytes, MaxDoctorBodyBytes)
      : MaxDoctorBodyBytes
  let text: string
  // A body that drips a byte at a time never stalls: the doctor's words only explain a failure,
  // so its body gets a few seconds in all.
  const bodyMs = deps.bodyMs ?? DoctorBodyMs
  const timer = setTimeout(
    () => response.body.destroy(new Error(`still arriving after ${bodyMs} ms`)),
    bodyMs
  )
  timer.unref()
  try {
    const { head } = await readBody(
      response.body,
      { keepBytes: cap, stallMs: deps.stallMs, maxBytes: cap },
      () => undefined
    )
    text = head.toString('utf8').replace(/^\uFEFF/, '')
  } catch {
    return { kind: 'unknown', why: `HTTP ${status} with a body that could not be read` }
  } finally {
    clearTimeout(timer)
  }
  if (status === 404) {
    return isFoNotFound(response.headers['content-type'], text)
      ? { kind: 'missing' }
      : { kind: 'unknown', why: 'HTTP 404 from something other than F&O' }
  }
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown }
  } catch {
    return { kind: 'unknown', why: 'HTTP 200 without JSON' }
  }
}

/**
 * True when a 404 is F&O's own: an empty body, or JSON. An HTML page (or any other text) came
 * from a proxy or gateway, which says nothing about the names F&O holds.
 */
export function isFoNotFound(contentType: string | undefined, body: string): boolean {
  if (/html/i.test(contentType ?? '')) return false
  const text = body.trim()
  if (text === '') return true
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null
  } catch {
    return false
  }
}

function toListing(answer: Answer, depth: number): Listing {
  if (answer.kind !== 'json') return answer
  const items = record(answer.value)?.[ListKeys[depth] ?? '']
  if (!Array.isArray(items)) return { kind: 'unknown', why: 'an answer that lists nothing' }
  const names = items
    .slice(0, MaxNames)
    .map(item => record(item)?.['Name'])
    .filter((name): name is string => typeof name === 'string' && isAotName(name))
  return { kind: 'listed', names }
}

function toContract(answer: Answer): Contract {
  if (answer.kind !== 'json') return answer
  const items = record(answer.value)?.['Parameters']
  if (!Array.isArray(items)) return { kind: 'unknown', why: 'an answer without Parameters' }
  const parameters: Parameter[] = []
  for (const item of items.slice(0, MaxParameters)) {
    const name = record(item)?.['Name']
    const type = record(item)?.['Type']
    if (typeof name !== 'string' || !isAotName(name)) continue
    parameters.push({ name, type: typeName(type) })
  }
  return { kind: 'found', parameters }
}

/**
 * A type name from F&O, untrusted: one line of the characters .NET and X++ type names use
 * (letters, digits, spaces, `_ . , [ ]` and the backtick of generics), anything else as `?`, cut
 * short.
 * No workflow command, markup or control character can be spelt with what is left.
 */
export function typeName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') return 'unknown type'
  const line = flattenLine(value.slice(0, MaxTypeChars * 2)).trim()
  const kept = line.replace(/[^A-Za-z0-9_.,[\]` ]/g, '?')
  return kept.length > MaxTypeChars ? `${kept.slice(0, MaxTypeChars - 1)}…` : kept
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
