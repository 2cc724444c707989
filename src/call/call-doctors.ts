import {
  compareWithContract,
  describeMismatch,
  describeMissing,
  payloadKeys
} from '../doctors/contract-doctor.js'
import { withoutQuery } from '../common/endpoint-url.js'
import { withSuffix, type Failure } from '../common/failure.js'
import { NotFoundHint } from '../common/failure-message.js'
import { isFoNotFound, type Catalogue, type Parameter } from '../doctors/fo-catalogue.js'
import type { InvokeResult } from './invoker.js'
import { explainMissingName } from '../doctors/name-doctor.js'

/** What the doctors need to know of one call. */
export interface DoctorCall {
  readonly method: 'GET' | 'POST'
  readonly url: string
  /** `Group/Service/Operation`, or fewer names, or `/`. */
  readonly serviceName: string
  /** The payload as JSON text; undefined without one. */
  readonly payload: string | undefined
  /** True while polling (`until`), where a 404 means "not yet", not a wrong name; no call of many polls. */
  readonly polling?: boolean
}

/**
 * The doctors of a failed call (besides the sign-in doctor's 401/403, and the throttling doctor's
 * line in the report): a wrong name (404) and a payload that does not match the operation's
 * parameters (400/500 after a POST with payload). Each adds one sentence to the failure; none
 * re-sends the call.
 */
export interface CallDoctors {
  /** The result, its failure (if any) with what the doctors found added. */
  explain<T extends InvokeResult>(result: T, call: DoctorCall): Promise<T>
  /**
   * check-contract: compares the payload with the operation's parameters before the POST. The
   * failure when it cannot match (an unknown key, no such operation); missing parameters only
   * warn, once per operation.
   */
  checkContract(call: DoctorCall): Promise<Failure | undefined>
}

/** What the doctors use: F&O's catalogue and a place for warnings. */
export interface CallDoctorsDeps {
  readonly catalogue: Catalogue
  /** `check-contract`. */
  readonly checkContract: boolean
  /** Says a warning once (the caller makes it inert). */
  warning(line: string): void
}

// Warnings said at most, so a step of many operations cannot fill the log with them.
const MaxWarnings = 20

export function createCallDoctors(deps: CallDoctorsDeps): CallDoctors {
  return new Doctors(deps)
}

class Doctors implements CallDoctors {
  private readonly warned = new Set<string>()

  constructor(private readonly deps: CallDoctorsDeps) {}

  async explain<T extends InvokeResult>(result: T, call: DoctorCall): Promise<T> {
    const sentence = await this.sentenceFor(result, call)
    if (sentence === undefined || result.failure === undefined) return result
    const failure = withoutNotFoundHint(result.failure, result.status)
    return { ...result, failure: withSuffix(failure, ` — ${sentence}`) }
  }

  async checkContract(call: DoctorCall): Promise<Failure | undefined> {
    const segments = segmentsOf(call.serviceName)
    if (!this.deps.checkContract || call.method !== 'POST' || segments.length !== 3) {
      return undefined
    }
    const label = `${call.method} ${withoutQuery(call.url)} was not sent — check-contract`
    const contract = await this.deps.catalogue.contract(segments)
    if (contract.kind === 'missing') {
      const named = await explainMissingName(segments, this.deps.catalogue)
      return {
        kind: 'check',
        message: `${label}: F&O answered 404 to the operation's contract — ${named ?? NotFoundHint}`
      }
    }
    const key = call.serviceName.toLowerCase()
    if (contract.kind === 'unknown') {
      this.warnOnce(
        key,
        `check-contract: the contract of ${call.serviceName} could not be read (${contract.why}); its calls are sent unchecked`
      )
      return undefined
    }
    const keys = payloadKeys(call.payload)
    if (keys === undefined) {
      return {
        kind: 'check',
        message: `${label}: the payload is not a JSON object, so it names none of the parameters of ${segments[2]}`
      }
    }
    const mismatch = compareWithContract(keys, contract.parameters)
    if (mismatch.unknown.length > 0) {
      return {
        kind: 'check',
        message: `${label}: ${describeMismatch(segments[2], mismatch) ?? ''}`
      }
    }
    if (mismatch.missing.length > 0) this.warnMissing(call.serviceName, key, mismatch.missing)
    return undefined
  }

  /** The doctor's sentence on a failed answer: a wrong name (404), or a payload off its contract. */
  private async sentenceFor(result: InvokeResult, call: DoctorCall): Promise<string | undefined> {
    const { status, failure } = result
    if (failure === undefined) return undefined
    const segments = segmentsOf(call.serviceName)
    if (failure.kind !== 'http') return undefined
    if (status === 404 && !call.polling && segments.length > 0 && fromFo(result)) {
      return explainMissingName(segments, this.deps.catalogue)
    }
    if (
      (status === 400 || status === 500) &&
      call.method === 'POST' &&
      segments.length === 3 &&
      (call.payload ?? '').trim() !== ''
    ) {
      const contract = await this.deps.catalogue.contract(segments)
      const keys = payloadKeys(call.payload)
      if (contract.kind !== 'found' || keys === undefined) return undefined
      return describeMismatch(segments[2], compareWithContract(keys, contract.parameters))
    }
    return undefined
  }

  /** Parameters the payload leaves out run with their defaults: a warning, once per set. */
  private warnMissing(serviceName: string, key: string, missing: readonly Parameter[]): void {
    const names = missing.map(parameter => parameter.name).join(',')
    this.warnOnce(
      `${key}|${names}`,
      `check-contract: ${serviceName}: ${describeMissing(missing)} from the payload; X++ runs with ${missing.length === 1 ? 'its default value' : 'their default values'}`
    )
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key) || this.warned.size >= MaxWarnings) return
    this.warned.add(key)
    this.deps.warning(line)
  }
}

/** The failure without the general 404 hint, which the doctor's finding makes precise. */
function withoutNotFoundHint(failure: Failure, status: number | undefined): Failure {
  const hint = ` — ${NotFoundHint}`
  if (!failure.message.endsWith(hint) || status !== 404) return failure
  return {
    ...failure,
    message: failure.message.slice(0, -hint.length),
    ...(failure.withoutBody?.endsWith(hint)
      ? { withoutBody: failure.withoutBody.slice(0, -hint.length) }
      : {})
  }
}

/** The AOT names of a service name; none for `/`. */
function segmentsOf(serviceName: string): string[] {
  return serviceName === '/' || serviceName === '' ? [] : serviceName.split('/')
}

/** True when the answer is F&O's own 404 (empty or JSON), not a gateway's page. */
function fromFo(result: InvokeResult): boolean {
  const body = result.body
  // A body larger than what was kept of it is no 404 of F&O's.
  if (body !== undefined && body.bytes > body.head.length) return false
  return isFoNotFound(result.headers['content-type'], body?.head.toString('utf8') ?? '')
}
