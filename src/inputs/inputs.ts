import * as core from '@actions/core'
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { chooseCredentialKind, parseAuthMode } from '../sign-in/auth-mode.js'
import { CallListProblem, parseCallList } from '../many/call-list.js'
import {
  createExpressionCache,
  prepareCall,
  type CallDefaults,
  type PreparedCall
} from '../call/call-plan.js'
import { CertificateProblem, parseClientCertificate } from '../sign-in/certificate.js'
import { encodeText, resolveCharset, type Charset } from '../common/charset.js'
import {
  DefaultConcurrency,
  DefaultMaxResponseBytes,
  DefaultPollIntervalSec,
  DefaultPollTimeout,
  DefaultRetryTimeout,
  DefaultTimeoutSec,
  EnvDefaults,
  Inputs,
  MaxConcurrency,
  PublicAuthorityHost
} from '../common/constants.js'
import { buildServiceUrl, parseAuthorityHost, parseEnvironmentUrl } from '../common/endpoint-url.js'
import { InputError } from '../common/errors.js'
import { describeJsonError } from '../common/json-syntax.js'
import { expectedExpression, expressionProblem } from '../call/expression-check.js'
import { findSameFile, type NamedFile } from './file-conflicts.js'
import { payloadFilePath, readPayloadFile, type EncodedPayload } from '../call/payload-file.js'
import { containPath } from '../common/path-containment.js'
import { readableOutsideRoots, resolveResponseFile } from '../transport/response-file.js'
import { parseRetryOn, RetryOnChoices, type RetryOn } from '../transport/retry-classes.js'
import { resolveMethod } from '../call/method-rule.js'
import { maskSecret } from '../common/secrets.js'
import { parseServiceName } from '../common/service-name.js'
import type {
  AppRegistration,
  CallsFileFormat,
  Credential,
  ExpectedToken,
  ManyCalls,
  Settings,
  SettingSource
} from './settings.js'
import { parseTimespan } from '../common/timespan.js'

type InputName = (typeof Inputs)[keyof typeof Inputs]
type Environment = Readonly<Record<string, string | undefined>>

/** Reads one input; the single place the action calls core.getInput. */
function input(name: InputName): string {
  return core.getInput(name)
}

/**
 * Reads and validates every input into one frozen Settings. Secrets are masked the moment
 * they are read. Throws InputError, naming the input and what it accepts, before any request.
 */
export async function readSettings(
  env: Environment = process.env,
  now: Date = new Date()
): Promise<Settings> {
  const sources: Record<string, SettingSource> = {}
  const withDefault = (name: keyof typeof EnvDefaults): string => {
    const given = input(name)
    if (given) {
      sources[name] = 'input'
      return given
    }
    const fallback = env[EnvDefaults[name]]?.trim() ?? ''
    sources[name] = fallback ? 'environment' : 'default'
    return fallback
  }
  maskSecretInputs(env)

  const manyCalls = input(Inputs.Calls) !== '' || input(Inputs.CallsFile) !== ''
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

  const payload = input(Inputs.Payload)
  const payloadFile = input(Inputs.PayloadFile)
  if (payload && payloadFile) {
    throw new InputError(
      Inputs.PayloadFile,
      `Give ${Inputs.Payload} or ${Inputs.PayloadFile}, not both: ${Inputs.Payload} is the JSON text, ${Inputs.PayloadFile} names a file that holds it.`
    )
  }
  if (payload) await checkJson(payload)
  // With many calls the step's service name, method and payload are defaults, checked per call.
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

  const retryTimeoutMs = readTimespan(Inputs.RetryTimeout, DefaultRetryTimeout)
  const retryOn = readRetryOn()
  const throttleSeed = readWholeNumber(Inputs.ThrottleSeed, 86_400)
  const timeoutSec = readWholeNumber(Inputs.TimeoutSec, 86_400, DefaultTimeoutSec)
  const successWhen = await readExpression(Inputs.SuccessWhen)
  const failWhen = await readExpression(Inputs.FailWhen)
  const until = await readExpression(Inputs.Until)
  const pollIntervalSec = readWholeNumber(Inputs.PollInterval, 3600, DefaultPollIntervalSec, 1)
  const pollTimeoutMs = readTimespan(Inputs.PollTimeout, DefaultPollTimeout)
  const enableException = readBoolean(Inputs.EnableException, true)
  const maskResponse = readBoolean(Inputs.MaskResponse, false)
  const checkContract = readBoolean(Inputs.CheckContract, false)

  const url = readEnvironmentUrl(Inputs.Url, withDefault(Inputs.Url))
  const systemUrl = readEnvironmentUrl(Inputs.SystemUrl, withDefault(Inputs.SystemUrl)) ?? url
  if (!systemUrl) {
    throw new InputError(
      Inputs.SystemUrl,
      `No environment given: set '${Inputs.Url}' (or '${Inputs.SystemUrl}'), e.g. https://contoso.operations.dynamics.com, ` +
        `or the ${EnvDefaults[Inputs.Url]} environment variable.`
    )
  }

  const credential = readCredential(url, withDefault, env, now)
  const expectedToken: ExpectedToken = {
    audience: url ?? new URL(systemUrl).origin,
    audienceInput: url ? Inputs.Url : Inputs.SystemUrl,
    tenant:
      credential.kind === 'token'
        ? input(Inputs.Tenant) || env[EnvDefaults[Inputs.Tenant]]?.trim() || undefined
        : credential.app.tenant,
    systemUrl
  }
  const serviceName = segments === undefined ? '' : segments.length === 0 ? '/' : segments.join('/')
  const many = manyCalls
    ? await readManyCalls(
        env,
        {
          serviceName: segments === undefined ? undefined : serviceName,
          payload: payload || undefined,
          ...(filePayload === undefined ? {} : { filePayload }),
          method: input(Inputs.Method),
          successWhen,
          failWhen,
          charset,
          systemUrl
        },
        payloadFile || undefined
      )
    : undefined
  if (!many) refuseManyCallInputs()
  const responseFile = readResponseFile(env)
  if (!many) {
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

  return Object.freeze({
    serviceName,
    serviceUrl: segments === undefined ? '' : buildServiceUrl(systemUrl, segments),
    method,
    metadataOnly: !many && method === 'GET' && segments?.length === 3,
    body,
    payload: !manyCalls && method === 'POST' && payload ? payload : undefined,
    checkContract,
    contentType,
    retryTimeoutMs,
    retryOn,
    successWhen,
    failWhen,
    poll:
      until === undefined
        ? undefined
        : Object.freeze({ until, intervalMs: pollIntervalSec * 1000, timeoutMs: pollTimeoutMs }),
    throttleSeed,
    credential,
    expectedToken,
    enableException,
    timeoutMs: timeoutSec * 1000,
    maxResponseBytes: readByteSize(Inputs.MaxResponseSize, DefaultMaxResponseBytes),
    responseFile,
    maskResponse,
    many,
    sources: Object.freeze(sources)
  })
}

/**
 * The inputs of many calls in one step: `calls` (each item checked now, before any request) or
 * `calls-file` (a file that exists; its lines are checked as they are read), `concurrency` and
 * `results-file`. Neither goes with `until`, `response-file`, or the other.
 */
async function readManyCalls(
  env: Environment,
  defaults: CallDefaults,
  payloadFile: string | undefined
): Promise<ManyCalls> {
  const callsText = input(Inputs.Calls)
  const callsFile = input(Inputs.CallsFile)
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
  if (readBoolean(Inputs.MaskResponse, false)) {
    // Registering every answer would flood the runner with masks (or leave some unmasked
    // under a bound) while the step claimed mask-response: refused instead, before any request.
    throw new InputError(
      Inputs.MaskResponse,
      `${Inputs.MaskResponse} is for a single call and cannot go with ${given}: many calls do not register their answers as secrets. ` +
        `Run a call whose answer must be masked in a step of its own (without ${given}).`
    )
  }
  const concurrency = readWholeNumber(Inputs.Concurrency, MaxConcurrency, DefaultConcurrency, 1)
  const results = input(Inputs.ResultsFile)
  const resultsFile = results ? resolveResponseFile(results, env, Inputs.ResultsFile) : undefined

  let calls: PreparedCall[] | undefined
  // The payload files the calls read: results-file must not be one of them.
  const payloadFiles = payloadFile ? [payloadFilePath(payloadFile, env)] : []
  if (callsText) {
    let specs
    try {
      specs = await parseCallList(callsText)
    } catch (error) {
      if (!(error instanceof CallListProblem)) throw error
      throw new InputError(Inputs.Calls, `Invalid ${Inputs.Calls}: ${error.message}.`)
    }
    const cache = createExpressionCache()
    calls = []
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
  }
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

/**
 * Refuses a file the action writes (`written`) that is the same file as one it reads (a path, a
 * link or a hard link to it): writing it would destroy the file read. Both inputs are named.
 * Files that are only read may be the same (two calls may send one payload-file).
 */
async function refuseSameFile(
  reads: readonly { input: string; path: string | undefined }[],
  written: { input: string; path: string | undefined }
): Promise<void> {
  if (written.path === undefined) return
  for (const read of reads) {
    if (read.path === undefined) continue
    const same = await findSameFile([read as NamedFile, written as NamedFile])
    if (same === undefined) continue
    throw new InputError(
      written.input,
      `Invalid ${written.input}: ${written.path} is the same file as ${read.input} (${read.path}), which writing it would destroy. Give ${written.input} a path of its own, e.g. out/${written.input === Inputs.ResultsFile ? 'results.jsonl' : 'response.json'}.`
    )
  }
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

/** `calls-file` against GITHUB_WORKSPACE: it must be a file the action can read. */
async function readCallsFilePath(given: string, env: Environment): Promise<string> {
  const shown = given.slice(0, 200)
  if (given.includes('\0')) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile}: a path cannot hold a NUL character.`
    )
  }
  // Inside the workspace or RUNNER_TEMP by this platform's rules (on Windows no device such as
  // CON, which would never end, and no stream), then by its real path below.
  const contained = containPath(given, env)
  if ('problem' in contained) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile} '${shown}': ${contained.problem}. Put the file in the workspace or under RUNNER_TEMP.`
    )
  }
  const file = contained.path
  const problem = await access(file, constants.R_OK).then(
    () => stat(file).then(stats => (stats.isFile() ? undefined : 'is not a file')),
    (error: unknown) =>
      (error as { code?: unknown } | null)?.code === 'ENOENT' ? 'does not exist' : 'cannot be read'
  )
  if (problem !== undefined) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile} '${shown}': ${file} ${problem}. Expected a JSON Lines file (one call or payload per line), relative to GITHUB_WORKSPACE.`
    )
  }
  // Read only from where the workflow's own files are, as the files the action writes.
  const outside = await readableOutsideRoots(file, env)
  if (outside !== undefined) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile} '${shown}': ${outside}. Put the file in the workspace or under RUNNER_TEMP.`
    )
  }
  return file
}

/** `concurrency` and `results-file` belong to many calls; alone they would silently do nothing. */
function refuseManyCallInputs(): void {
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

/** Registers every secret input (and secret environment fallback) before anything can be logged. */
function maskSecretInputs(env: Environment): void {
  const token = input(Inputs.Token)
  maskSecret(token)
  maskSecret(stripBearer(token))
  maskSecret(input(Inputs.ClientSecret))
  maskSecret(input(Inputs.ClientCertificate))
  maskSecret(input(Inputs.ClientCertificatePassword))
  maskSecret(env[EnvDefaults[Inputs.ClientSecret]])
  maskSecret(env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'])
}

/** The token without a leading 'Bearer' (the input trims, so a bare 'Bearer' means no token). */
function stripBearer(token: string): string {
  return token.replace(/^bearer(?:\s+|$)/i, '').trim()
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

/** `payload-file`, read and checked before any request. */
async function readPayloadFileInput(
  given: string,
  charset: Charset,
  env: Environment
): Promise<EncodedPayload> {
  const read = await readPayloadFile(given, charset, env)
  if ('problem' in read) throw new InputError(Inputs.PayloadFile, `Invalid ${read.problem}.`)
  return read
}

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

function readTimespan(name: InputName, fallback: string): number {
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

function readWholeNumber(name: InputName, max: number, fallback = 0, min = 0): number {
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
function readByteSize(name: InputName, fallback: number): number {
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

function readRetryOn(): RetryOn {
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

const MaxExpressionChars = 2000

/** A JMESPath input, compiled once here so that a bad one fails before any request. */
async function readExpression(name: InputName): Promise<string | undefined> {
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

function readBoolean(name: InputName, fallback: boolean): boolean {
  if (!input(name)) return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new InputError(
      name,
      `Invalid ${name} '${input(name).slice(0, 40)}'. Expected true or false.`
    )
  }
}

function readEnvironmentUrl(name: InputName, text: string): string | undefined {
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

function readResponseFile(env: Environment): string | undefined {
  const given = input(Inputs.ResponseFile)
  return given ? resolveResponseFile(given, env) : undefined
}

/**
 * The credential `auth` asks for: pinned, or by precedence (token > client-certificate >
 * client-secret > GitHub OIDC; two explicit credentials are an error).
 */
function readCredential(
  url: string | undefined,
  withDefault: (name: keyof typeof EnvDefaults) => string,
  env: Environment,
  now: Date
): Credential {
  const token = input(Inputs.Token)
  const auth = parseAuthMode(input(Inputs.Auth))
  const kind = chooseCredentialKind(auth, {
    token: Boolean(token),
    certificate: Boolean(input(Inputs.ClientCertificate)),
    clientSecret: Boolean(input(Inputs.ClientSecret)),
    clientSecretFromEnvironment: Boolean(env[EnvDefaults[Inputs.ClientSecret]]?.trim()),
    idTokenRequest: Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'])
  })

  if (kind === 'token') {
    const bare = stripBearer(token)
    if (!bare || /[^\x21-\x7e]/.test(bare)) {
      throw new InputError(
        Inputs.Token,
        `Invalid ${Inputs.Token}: expected one bearer token, with or without a leading 'Bearer '.`
      )
    }
    return { kind: 'token', token: bare }
  }

  const tenant = withDefault(Inputs.Tenant)
  const clientId = withDefault(Inputs.ClientId)
  const certificatePem = kind === 'certificate' ? input(Inputs.ClientCertificate) : ''
  const clientSecret = kind === 'client-secret' ? withDefault(Inputs.ClientSecret) : ''
  const mode = certificatePem
    ? Inputs.ClientCertificate
    : clientSecret
      ? Inputs.ClientSecret
      : 'GitHub OIDC'

  if (!tenant || !clientId) {
    const missing = [!tenant && Inputs.Tenant, !clientId && Inputs.ClientId]
      .filter(Boolean)
      .join(' and ')
    throw new InputError(
      tenant ? Inputs.ClientId : Inputs.Tenant,
      certificatePem || clientSecret
        ? `${mode} needs ${missing} as well.`
        : `No credential given. Set '${Inputs.Token}', or '${Inputs.Tenant}' and '${Inputs.ClientId}' with '${Inputs.ClientSecret}', ` +
            `'${Inputs.ClientCertificate}' or GitHub OIDC (permissions: id-token: write). Missing: ${missing}.`
    )
  }
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(tenant)) {
    throw new InputError(
      Inputs.Tenant,
      `Invalid ${Inputs.Tenant} '${tenant.slice(0, 60)}'. Expected a tenant id (GUID) or domain, e.g. contoso.onmicrosoft.com.`
    )
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(clientId)) {
    throw new InputError(
      Inputs.ClientId,
      `Invalid ${Inputs.ClientId} '${clientId.slice(0, 60)}'. Expected an application (client) id GUID.`
    )
  }
  if (!url) {
    throw new InputError(
      Inputs.Url,
      `${mode} needs '${Inputs.Url}', the environment the token is for (scope <url>/.default).`
    )
  }

  const authority = parseAuthorityHost(input(Inputs.AuthorityHost) || PublicAuthorityHost)
  if ('problem' in authority)
    throw new InputError(
      Inputs.AuthorityHost,
      `Invalid ${Inputs.AuthorityHost}: ${authority.problem}.`
    )
  const app: AppRegistration = {
    tenant,
    clientId,
    authorityHost: authority.url,
    scope: `${url}/.default`
  }

  if (certificatePem) {
    const password = input(Inputs.ClientCertificatePassword)
    try {
      const certificate = parseClientCertificate(certificatePem, password, now)
      for (const line of certificate.privateKey.split('\n')) maskSecret(line)
      return { kind: 'certificate', app, certificate }
    } catch (error) {
      if (!(error instanceof CertificateProblem)) throw error
      throw new InputError(
        Inputs.ClientCertificate,
        `Invalid ${Inputs.ClientCertificate}: ${error.message}.`
      )
    }
  }
  if (clientSecret) return { kind: 'client-secret', app, clientSecret }

  const audience = input(Inputs.OidcAudience) || 'api://AzureADTokenExchange'
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL']) {
    throw new InputError(
      Inputs.ClientSecret,
      `No credential given for client-id: set '${Inputs.ClientSecret}' or '${Inputs.ClientCertificate}', or use GitHub OIDC ` +
        "by adding 'permissions: id-token: write' to the job (ACTIONS_ID_TOKEN_REQUEST_URL is not set)."
    )
  }
  return { kind: 'oidc', app, audience, implicit: auth === 'auto' }
}
