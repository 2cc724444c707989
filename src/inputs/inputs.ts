import type { CallDefaults } from '../call/call-plan.js'
import {
  DefaultMaxResponseBytes,
  DefaultPollIntervalSec,
  DefaultPollTimeout,
  DefaultRetryTimeout,
  DefaultTimeoutSec,
  EnvDefaults,
  Inputs
} from '../common/constants.js'
import { buildServiceUrl } from '../common/endpoint-url.js'
import { InputError } from '../common/errors.js'
import { payloadFilePath } from '../call/payload-file.js'
import { expectedTokenFor, maskSecretInputs, readCredential } from './credential-inputs.js'
import { readResponseFile, refuseSameFile } from './file-inputs.js'
import {
  booleanInput,
  input,
  readingWithDefaults,
  type Environment,
  type WithDefault
} from './input-reader.js'
import { readManyCalls, refuseManyCallInputs } from './many-calls-inputs.js'
import { readRequest, type RequestInputs } from './request-inputs.js'
import type { Settings, SettingSource } from './settings.js'
import {
  readByteSize,
  readEnvironmentUrl,
  readExpression,
  readRetryOn,
  readTimespan,
  readWholeNumber
} from './typed-inputs.js'

/**
 * Reads and validates every input into one frozen Settings. Secrets are masked the moment
 * they are read. Throws InputError, naming the input and what it accepts, before any request.
 * The inputs are checked in this order, so the first error a user meets stays the same.
 */
export async function readSettings(
  env: Environment = process.env,
  now: Date = new Date()
): Promise<Settings> {
  const sources: Record<string, SettingSource> = {}
  const withDefault = readingWithDefaults(env, sources)
  maskSecretInputs(env)

  const manyCalls = input(Inputs.Calls) !== '' || input(Inputs.CallsFile) !== ''
  const request = await readRequest(manyCalls, env)
  const rules = await readCallRules()
  const { url, systemUrl } = readEnvironment(withDefault)
  const credential = readCredential(url, withDefault, env, now)
  const expectedToken = expectedTokenFor(credential, url, systemUrl, env)
  const many = manyCalls
    ? await readManyCalls(
        env,
        callDefaults(request, rules, systemUrl),
        request.payloadFile || undefined
      )
    : undefined
  if (!many) refuseManyCallInputs()
  const responseFile = readResponseFile(env)
  if (!many) await refuseResponseFileOverPayloadFile(request.payloadFile, responseFile, env)

  const { segments, method } = request
  return Object.freeze({
    serviceName: serviceNameOf(segments),
    serviceUrl: segments === undefined ? '' : buildServiceUrl(systemUrl, segments),
    method,
    metadataOnly: !many && method === 'GET' && segments?.length === 3,
    body: request.body,
    payload:
      !manyCalls && method === 'POST'
        ? request.payload || request.filePayload?.text || undefined
        : undefined,
    checkContract: rules.checkContract,
    contentType: request.contentType,
    retryTimeoutMs: rules.retryTimeoutMs,
    retryOn: rules.retryOn,
    successWhen: rules.successWhen,
    failWhen: rules.failWhen,
    poll: rules.poll,
    throttleSeed: rules.throttleSeed,
    credential,
    expectedToken,
    enableException: rules.enableException,
    timeoutMs: rules.timeoutMs,
    maxResponseBytes: readByteSize(Inputs.MaxResponseSize, DefaultMaxResponseBytes),
    responseFile,
    maskResponse: rules.maskResponse,
    many,
    sources: Object.freeze(sources)
  })
}

/** How a call is sent, retried, checked and polled: the inputs beyond the request itself. */
type CallRules = Pick<
  Settings,
  | 'retryTimeoutMs'
  | 'retryOn'
  | 'throttleSeed'
  | 'timeoutMs'
  | 'successWhen'
  | 'failWhen'
  | 'poll'
  | 'enableException'
  | 'maskResponse'
  | 'checkContract'
>

async function readCallRules(): Promise<CallRules> {
  const retryTimeoutMs = readTimespan(Inputs.RetryTimeout, DefaultRetryTimeout)
  const retryOn = readRetryOn()
  const throttleSeed = readWholeNumber(Inputs.ThrottleSeed, 86_400)
  const timeoutSec = readWholeNumber(Inputs.TimeoutSec, 86_400, DefaultTimeoutSec)
  const successWhen = await readExpression(Inputs.SuccessWhen)
  const failWhen = await readExpression(Inputs.FailWhen)
  const until = await readExpression(Inputs.Until)
  const pollIntervalSec = readWholeNumber(Inputs.PollInterval, 3600, DefaultPollIntervalSec, 1)
  const pollTimeoutMs = readTimespan(Inputs.PollTimeout, DefaultPollTimeout)
  return {
    retryTimeoutMs,
    retryOn,
    throttleSeed,
    timeoutMs: timeoutSec * 1000,
    successWhen,
    failWhen,
    poll:
      until === undefined
        ? undefined
        : Object.freeze({ until, intervalMs: pollIntervalSec * 1000, timeoutMs: pollTimeoutMs }),
    enableException: booleanInput(Inputs.EnableException, true),
    maskResponse: booleanInput(Inputs.MaskResponse, false),
    checkContract: booleanInput(Inputs.CheckContract, false)
  }
}

/** `url` (the token's audience) and `system-url` (where calls go; `url` by default): one is needed. */
function readEnvironment(withDefault: WithDefault): { url?: string; systemUrl: string } {
  const url = readEnvironmentUrl(Inputs.Url, withDefault(Inputs.Url))
  const systemUrl = readEnvironmentUrl(Inputs.SystemUrl, withDefault(Inputs.SystemUrl)) ?? url
  if (!systemUrl) {
    throw new InputError(
      Inputs.SystemUrl,
      `No environment given: set '${Inputs.Url}' (or '${Inputs.SystemUrl}'), e.g. https://contoso.operations.dynamics.com, ` +
        `or the ${EnvDefaults[Inputs.Url]} environment variable.`
    )
  }
  return { url, systemUrl }
}

/** `Group/Service/Operation`, `/` for the list of service groups, '' when many calls name their own. */
function serviceNameOf(segments: readonly string[] | undefined): string {
  return segments === undefined ? '' : segments.length === 0 ? '/' : segments.join('/')
}

/** The step's inputs that every one of many calls takes unless it sets its own. */
function callDefaults(request: RequestInputs, rules: CallRules, systemUrl: string): CallDefaults {
  return {
    serviceName: request.segments === undefined ? undefined : serviceNameOf(request.segments),
    payload: request.payload || undefined,
    ...(request.filePayload === undefined ? {} : { filePayload: request.filePayload }),
    method: input(Inputs.Method),
    successWhen: rules.successWhen,
    failWhen: rules.failWhen,
    charset: request.charset,
    systemUrl
  }
}

/** A single call must not write its answer over the payload-file it sends. */
async function refuseResponseFileOverPayloadFile(
  payloadFile: string,
  responseFile: string | undefined,
  env: Environment
): Promise<void> {
  await refuseSameFile(
    [
      {
        input: Inputs.PayloadFile,
        path: payloadFile ? payloadFilePath(payloadFile, env) : undefined
      }
    ],
    { input: Inputs.ResponseFile, path: responseFile }
  )
}
