import { CallListProblem, parseCallList } from '../many/call-list.js'
import {
  createExpressionCache,
  prepareCall,
  type CallDefaults,
  type PreparedCall
} from '../call/call-plan.js'
import { DefaultConcurrency, Inputs, MaxConcurrency } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import { payloadFilePath } from '../call/payload-file.js'
import { resolveResponseFile } from '../transport/response-file.js'
import { readCallsFilePath, refuseSameFile } from './file-inputs.js'
import { booleanInput, input, type Environment } from './input-reader.js'
import type { CallsFileFormat, ManyCalls } from './settings.js'
import { readWholeNumber } from './typed-inputs.js'

/**
 * The inputs of many calls in one step: `calls` (each item checked now, before any request) or
 * `calls-file` (a file that exists; its lines are checked as they are read), `concurrency` and
 * `results-file`. Neither goes with `until`, `response-file`, or the other.
 */
export async function readManyCalls(
  env: Environment,
  defaults: CallDefaults,
  payloadFile: string | undefined
): Promise<ManyCalls> {
  const callsText = input(Inputs.Calls)
  const callsFile = input(Inputs.CallsFile)
  refuseSingleCallInputs(callsText, callsFile)
  const concurrency = readWholeNumber(Inputs.Concurrency, MaxConcurrency, DefaultConcurrency, 1)
  const results = input(Inputs.ResultsFile)
  const resultsFile = results ? resolveResponseFile(results, env, Inputs.ResultsFile) : undefined

  // The payload files the calls read: results-file must not be one of them.
  const payloadFiles = payloadFile ? [payloadFilePath(payloadFile, env)] : []
  const calls = callsText
    ? await prepareCallList(callsText, defaults, env, payloadFiles)
    : undefined
  const callsFilePath = callsFile ? await readCallsFilePath(callsFile, env) : undefined
  // Before anything is opened: a results-file that is the calls-file would be emptied by it.
  await refuseSameFile(
    [
      { input: Inputs.CallsFile, path: callsFilePath },
      ...payloadFiles.map(file => ({ input: Inputs.PayloadFile, path: file }))
    ],
    { input: Inputs.ResultsFile, path: resultsFile }
  )
  return Object.freeze({
    calls: calls && Object.freeze(calls),
    callsFile: callsFilePath,
    callsFileFormat: readCallsFileFormat(Boolean(callsFile), defaults.serviceName !== undefined),
    defaults: Object.freeze(defaults),
    concurrency,
    resultsFile
  })
}

/** Refuses `calls` with `calls-file`, and the inputs that only a single call can honour. */
function refuseSingleCallInputs(callsText: string, callsFile: string): void {
  if (callsText && callsFile) {
    throw new InputError(
      Inputs.CallsFile,
      `Give ${Inputs.Calls} or ${Inputs.CallsFile}, not both: ${Inputs.Calls} lists the calls in the workflow, ${Inputs.CallsFile} names a JSON Lines file of them.`
    )
  }
  const given = callsText ? Inputs.Calls : Inputs.CallsFile
  for (const single of [Inputs.Until, Inputs.ResponseFile] as const) {
    if (input(single)) {
      throw new InputError(
        single,
        `${single} is for a single call and cannot go with ${given}: ` +
          (single === Inputs.Until
            ? `poll in a step of its own (without ${given}).`
            : `each call's answer is in ${Inputs.ResultsFile}.`)
      )
    }
  }
  if (booleanInput(Inputs.MaskResponse, false)) {
    // Registering every answer would flood the runner with masks (or leave some unmasked
    // under a bound) while the step claimed mask-response: refused instead, before any request.
    throw new InputError(
      Inputs.MaskResponse,
      `${Inputs.MaskResponse} is for a single call and cannot go with ${given}: many calls do not register their answers as secrets. ` +
        `Run a call whose answer must be masked in a step of its own (without ${given}).`
    )
  }
}

/** Every item of `calls`, prepared; the payload files they read are added to `payloadFiles`. */
async function prepareCallList(
  callsText: string,
  defaults: CallDefaults,
  env: Environment,
  payloadFiles: string[]
): Promise<PreparedCall[]> {
  let specs
  try {
    specs = await parseCallList(callsText)
  } catch (error) {
    if (!(error instanceof CallListProblem)) throw error
    throw new InputError(Inputs.Calls, `Invalid ${Inputs.Calls}: ${error.message}.`)
  }
  const cache = createExpressionCache()
  const calls: PreparedCall[] = []
  for (const [position, spec] of specs.entries()) {
    const call = await prepareCall(spec, defaults, { index: position + 1 }, cache, env)
    if ('problem' in call) {
      throw new InputError(
        Inputs.Calls,
        `Invalid ${Inputs.Calls}: item ${position + 1}${spec.name ? ` ('${spec.name}')` : ''}: ${call.problem}.`
      )
    }
    calls.push(Object.freeze(call))
    if (spec.payloadFile) payloadFiles.push(payloadFilePath(spec.payloadFile, env))
  }
  return calls
}

const CallsFileFormats = ['payloads', 'calls'] as const

/**
 * `calls-file-format`: `payloads` by default when the step gives service-name (every line is a
 * payload, so a record whose keys happen to be call keys cannot choose the operation), `calls`
 * without it. `payloads` needs service-name; the input belongs to calls-file.
 */
function readCallsFileFormat(withFile: boolean, withServiceName: boolean): CallsFileFormat {
  const text = input(Inputs.CallsFileFormat).trim()
  if (!text) return withServiceName ? 'payloads' : 'calls'
  const format = CallsFileFormats.find(choice => choice === text.toLowerCase())
  if (format === undefined) {
    throw new InputError(
      Inputs.CallsFileFormat,
      `Invalid ${Inputs.CallsFileFormat} '${text.slice(0, 40)}'. Expected payloads (every line is a payload for service-name) or calls (every line is a call object).`
    )
  }
  if (!withFile) {
    throw new InputError(
      Inputs.CallsFileFormat,
      `${Inputs.CallsFileFormat} says what the lines of ${Inputs.CallsFile} are: give ${Inputs.CallsFile}, or leave ${Inputs.CallsFileFormat} out.`
    )
  }
  if (format === 'payloads' && !withServiceName) {
    throw new InputError(
      Inputs.CallsFileFormat,
      `${Inputs.CallsFileFormat}: payloads sends every line to the step's ${Inputs.ServiceName}: give ${Inputs.ServiceName}, or use calls-file-format: calls.`
    )
  }
  return format
}

/** `concurrency` and `results-file` belong to many calls; alone they would silently do nothing. */
export function refuseManyCallInputs(): void {
  if (input(Inputs.ResultsFile)) {
    throw new InputError(
      Inputs.ResultsFile,
      `${Inputs.ResultsFile} is for many calls in one step: give ${Inputs.Calls} or ${Inputs.CallsFile} too, or use ${Inputs.ResponseFile} for a single call.`
    )
  }
  if (input(Inputs.CallsFileFormat)) {
    throw new InputError(
      Inputs.CallsFileFormat,
      `${Inputs.CallsFileFormat} says what the lines of ${Inputs.CallsFile} are: give ${Inputs.CallsFile} too, or leave ${Inputs.CallsFileFormat} out.`
    )
  }
  // concurrency has a default in action.yml, so only its value can be checked here.
  readWholeNumber(Inputs.Concurrency, MaxConcurrency, DefaultConcurrency, 1)
}
