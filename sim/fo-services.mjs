// @ts-check
/**
 * The F&O side: bearer token check, the /api/services catalogue and its operations.
 * @module
 */
import iconv from 'iconv-lite'
import { checkAccessToken } from './access-tokens.mjs'
import { JsonContentType, newGuid, parseContentType, sendEmpty, sendJson } from './respond.mjs'

/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */

/**
 * @typedef {object} SimJob A job of SimTestService/JobService.
 * @property {number} steps GetStatus calls that answer Executing
 * @property {number} notFoundFor GetStatus calls that answer 404 first
 * @property {'Succeeded' | 'Failed'} outcome
 * @property {number} calls GetStatus calls so far
 */

/**
 * @typedef {object} Principal
 * @property {string} userId
 * @property {string | undefined} clientId undefined for static tokens
 */

/**
 * @typedef {object} OperationCall
 * @property {Req} req
 * @property {Res} res
 * @property {Buffer} body raw request body
 * @property {Principal} principal
 * @property {import('./server.mjs').SimContext} ctx
 */

/**
 * @typedef {object} Operation
 * @property {{ Name: string, Type: string }[]} parameters
 * @property {string} returnType
 * @property {(call: OperationCall) => void | Promise<void>} run
 */

/**
 * @typedef {object} FoServices
 * @property {(req: Req, res: Res, segments: string[], body: Buffer, origin: string) => Promise<void>} handle
 */

const LargeChunkBytes = 64 * 1024

/**
 * Decodes a request body with the charset of its Content-Type and parses it as JSON.
 * @param {Req} req
 * @param {Buffer} body
 * @returns {{ ok: true, value: unknown } | { ok: false, status: number, message: string }}
 */
export function parseJsonBody(req, body) {
  const { charset } = parseContentType(req.headers['content-type'])
  const encoding = charset ?? 'utf-8'
  if (!iconv.encodingExists(encoding)) {
    return {
      ok: false,
      status: 415,
      message: `The charset '${encoding}' of the request is not supported.`
    }
  }
  const text = iconv.decode(body, encoding)
  if (text.trim() === '') return { ok: true, value: null }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, status: 400, message: 'Invalid JSON payload' }
  }
}

/**
 * Reads a non-negative integer parameter from a JSON payload, or answers 400.
 * @param {OperationCall} call
 * @param {string} name
 * @returns {number | undefined}
 */
function integerParameter(call, name) {
  const parsed = parseJsonBody(call.req, call.body)
  if (!parsed.ok) {
    sendJson(call.res, parsed.status, { Message: parsed.message })
    return undefined
  }
  const value =
    parsed.value && typeof parsed.value === 'object'
      ? /** @type {Record<string, unknown>} */ (parsed.value)[name]
      : undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    sendJson(call.res, 400, { Message: `The parameter '${name}' must be a non-negative integer.` })
    return undefined
  }
  return value
}

/**
 * @param {Res} res
 * @returns {Promise<void>} resolves on 'drain' or 'close'
 */
function drained(res) {
  return new Promise(resolve => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/**
 * Streams a JSON document of exactly `size` bytes, honouring backpressure.
 * @param {Res} res
 * @param {number} size
 * @param {import('./server.mjs').SimContext} ctx
 */
async function streamLargeJson(res, size, ctx) {
  const padded = size >= 11
  const head = padded ? '{"data":"' : '{}'
  const tail = padded ? '"}' : ''
  const filler = Buffer.alloc(LargeChunkBytes, padded ? 'x' : ' ')
  res.writeHead(200, { 'Content-Type': JsonContentType, 'Content-Length': size })
  let remaining = size - head.length - tail.length
  let pending = Buffer.from(head)
  while (remaining > 0 || pending.length > 0) {
    if (res.destroyed || ctx.isClosed()) return
    const fill = Math.min(LargeChunkBytes - pending.length, remaining)
    const chunk = pending.length
      ? Buffer.concat([pending, filler.subarray(0, fill)])
      : filler.subarray(0, fill)
    pending = Buffer.alloc(0)
    remaining -= fill
    if (!res.write(chunk)) await drained(res)
  }
  if (!res.destroyed) res.end(tail)
}

/**
 * Reads the payload as a JSON object, or answers 400 and returns undefined.
 * @param {OperationCall} call
 * @returns {Record<string, unknown> | undefined}
 */
function objectPayload(call) {
  const parsed = parseJsonBody(call.req, call.body)
  if (!parsed.ok) {
    sendJson(call.res, parsed.status, { Message: parsed.message })
    return undefined
  }
  return parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)
    ? /** @type {Record<string, unknown>} */ (parsed.value)
    : {}
}

/**
 * @param {unknown} value
 * @param {number} fallback
 */
function count(value, fallback) {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fallback
}

/**
 * A long job as F&O runs one asynchronously: Submit returns its id; GetStatus answers 404 for
 * the first `_notFoundFor` calls (the status record is not written yet), then `Executing` for
 * `_steps` calls, then the `_outcome` (`Succeeded` or `Failed`) for good. Without parameters the
 * job has succeeded by the first status call.
 * @type {Record<string, Operation>}
 */
const JobServiceOperations = {
  Submit: {
    parameters: [
      { Name: '_steps', Type: 'Int32' },
      { Name: '_outcome', Type: 'String' },
      { Name: '_notFoundFor', Type: 'Int32' }
    ],
    returnType: 'SimJobSubmitted',
    run(call) {
      const payload = objectPayload(call)
      if (!payload) return
      const jobId = newGuid()
      call.ctx.jobs.set(jobId, {
        steps: count(payload._steps, 0),
        notFoundFor: count(payload._notFoundFor, 0),
        outcome: payload._outcome === 'Failed' ? 'Failed' : 'Succeeded',
        calls: 0
      })
      sendJson(call.res, 200, { $id: '1', JobId: jobId, Status: 'Submitted' })
    }
  },
  GetStatus: {
    parameters: [{ Name: '_jobId', Type: 'String' }],
    returnType: 'SimJobStatus',
    run(call) {
      const payload = objectPayload(call)
      if (!payload) return
      const jobId = String(payload._jobId ?? '')
      const job = call.ctx.jobs.get(jobId)
      if (job) job.calls++
      if (!job || job.calls <= job.notFoundFor) {
        sendJson(call.res, 404, { Message: `No status record for job '${jobId}'.` })
        return
      }
      const step = job.calls - job.notFoundFor
      const status = step <= job.steps ? 'Executing' : job.outcome
      sendJson(call.res, 200, {
        $id: '1',
        JobId: jobId,
        Status: status,
        Message:
          status === 'Failed' ? 'The batch task ended with an error: Voucher not balanced.' : ''
      })
    }
  }
}

/** What X++ says when it dereferences a parameter that was not given (its default, null). */
export const NullReferenceMessage = 'Object reference not set to an instance of an object.'

/**
 * An operation whose parameter is a data contract, matched by its X++ name as F&O matches
 * parameters: a payload that names it otherwise (`contract`, `_Contract`) leaves it null, and the
 * X++ code fails on it with HTTP 500, as a real operation does.
 * @type {Record<string, Operation>}
 */
const ContractServiceOperations = {
  CreateCustomer: {
    parameters: [
      { Name: '_contract', Type: 'Dynamics.AX.Application.SimCustomerContract' },
      { Name: '_dryRun', Type: 'Boolean' }
    ],
    returnType: 'Dynamics.AX.Application.SimCustomerCreated',
    run(call) {
      const payload = objectPayload(call)
      if (!payload) return
      const contract = payload._contract
      if (!contract || typeof contract !== 'object' || Array.isArray(contract)) {
        sendJson(call.res, 500, {
          Message: `An exception occured when invoking the operation - ${NullReferenceMessage}`,
          ExceptionType: 'System.NullReferenceException',
          ActivityId: newGuid()
        })
        return
      }
      const account = /** @type {Record<string, unknown>} */ (contract).CustomerAccount
      sendJson(call.res, 200, {
        $id: '1',
        CustomerAccount: typeof account === 'string' ? account : 'US-001',
        Created: payload._dryRun !== true
      })
    }
  }
}

/**
 * Business operations that succeed, answering as F&O custom services do (a flag, messages, and
 * what was made), for the README's examples with checks: Post posts a journal, CreateCustomer
 * creates a customer numbered by its `_id`.
 * @type {Record<string, Operation>}
 */
const BusinessServiceOperations = {
  Post: {
    parameters: [{ Name: '_journalNum', Type: 'String' }],
    returnType: 'SimPostingResult',
    run(call) {
      const payload = objectPayload(call)
      if (!payload) return
      const journal = String(payload._journalNum ?? '')
      sendJson(call.res, 200, {
        $id: '1',
        Result: true,
        Voucher: `V-${journal}`,
        InfoMessages: [{ Type: 'Info', Text: `Journal ${journal} is posted.` }]
      })
    }
  },
  CreateCustomer: {
    parameters: [{ Name: '_id', Type: 'Int32' }],
    returnType: 'SimCustomerCreated',
    run(call) {
      const payload = objectPayload(call)
      if (!payload) return
      sendJson(call.res, 200, {
        $id: '1',
        Result: true,
        CustomerAccount: `C-${count(payload._id, 0)}`,
        InfoMessages: []
      })
    }
  }
}

/** @type {Record<string, Record<string, Record<string, Operation>>>} */
const CATALOGUE = {
  UserSessionService: {
    AifUserSessionService: {
      GetUserSessionInfo: {
        parameters: [],
        returnType: 'AifUserSessionInfo',
        run({ res, principal }) {
          const json = JSON.stringify({
            $id: '1',
            AOSLocaleName: 'en-US',
            AXLanguage: 'EN-US',
            Company: 'USMF',
            CompanyTimeZone: 58,
            CurrencyInfo: {
              $id: '2',
              CurrencyCode: 'USD',
              Description: 'US Dollar',
              ExchangeRate: 100,
              ISOCurrencyCode: 'USD',
              Prefix: '',
              Suffix: ''
            },
            IsSysAdmin: true,
            UserId: principal.userId,
            UserPreferredCalendar: 0,
            UserPreferredTimeZone: 18
          }).replace('"ExchangeRate":100,', '"ExchangeRate":100.0,')
          const body = Buffer.from(json, 'utf8')
          res.writeHead(200, { 'Content-Type': JsonContentType, 'Content-Length': body.length })
          res.end(body)
        }
      },
      ApplyTimeZone: {
        parameters: [
          { Name: '_dateTime', Type: 'DateTime' },
          { Name: '_timeZone', Type: 'Timezone' }
        ],
        returnType: 'DateTime',
        run: call => echoParameter(call, '_dateTime')
      },
      RemoveTimeZone: {
        parameters: [
          { Name: '_dateTime', Type: 'DateTime' },
          { Name: '_timeZone', Type: 'Timezone' }
        ],
        returnType: 'DateTime',
        run: call => echoParameter(call, '_dateTime')
      },
      GetPartitionKey: {
        parameters: [],
        returnType: 'String',
        run: ({ res }) => sendJson(res, 200, 'initial')
      },
      IsSinglePartitionSystem: {
        parameters: [],
        returnType: 'Boolean',
        run: ({ res }) => sendJson(res, 200, true)
      }
    }
  },
  SimTestService: {
    JobService: JobServiceOperations,
    ContractService: ContractServiceOperations,
    BusinessService: BusinessServiceOperations,
    JournalService: {
      // F&O's business failures come as HTTP 200 with a flag, not as an error status.
      Validate: {
        parameters: [
          { Name: '_journalNum', Type: 'String' },
          { Name: '_balanced', Type: 'Boolean' }
        ],
        returnType: 'SimValidationResult',
        run(call) {
          const payload = objectPayload(call)
          if (!payload) return
          const journal = String(payload._journalNum ?? '')
          const balanced = payload._balanced === true
          sendJson(call.res, 200, {
            $id: '1',
            Result: balanced,
            InfoMessages: balanced
              ? []
              : [{ Type: 'Error', Text: `Journal ${journal} is not balanced.` }]
          })
        }
      }
    },
    EchoService: {
      Echo: {
        parameters: [{ Name: '_request', Type: 'Object' }],
        returnType: 'SimEchoResponse',
        run({ req, res, body }) {
          const parsed = parseJsonBody(req, body)
          if (!parsed.ok) {
            sendJson(res, parsed.status, { Message: parsed.message })
            return
          }
          sendJson(res, 200, {
            received: parsed.value,
            contentType: req.headers['content-type'] ?? null,
            bodyHex: body.toString('hex'),
            method: req.method
          })
        }
      },
      Fail: {
        parameters: [{ Name: '_accountNum', Type: 'String' }],
        returnType: 'void',
        run({ res }) {
          sendJson(res, 500, {
            Message: 'An exception occured when invoking the operation - Invalid account number.',
            ExceptionType: 'XppServicesException',
            ActivityId: newGuid()
          })
        }
      },
      Large: {
        parameters: [{ Name: 'bytes', Type: 'Int64' }],
        returnType: 'SimLargeResponse',
        async run(call) {
          const size = integerParameter(call, 'bytes')
          if (size === undefined) return
          if (size < 2) {
            sendJson(call.res, 400, { Message: "The parameter 'bytes' must be at least 2." })
            return
          }
          await streamLargeJson(call.res, size, call.ctx)
        }
      },
      FailOData: {
        parameters: [],
        returnType: 'void',
        run({ res }) {
          sendJson(res, 500, {
            error: {
              code: '',
              message: 'An error has occurred.',
              innererror: {
                message:
                  "Write failed for table row of type 'CustCustomerV3Entity'. Infolog: Error: Customer group 'ZZ' does not exist.",
                type: 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException',
                stacktrace:
                  '   at Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataDataWriter.Write()'
              }
            }
          })
        }
      },
      // An operation that runs for delayMs, its token checked when the call arrives, as F&O's
      // are: not a fault (a slow answer for the client to give up on is scripted).
      Slow: {
        parameters: [{ Name: 'delayMs', Type: 'Int32' }],
        returnType: 'SimSlowResponse',
        async run(call) {
          const delayMs = integerParameter(call, 'delayMs')
          if (delayMs === undefined) return
          await call.ctx.sleep(delayMs)
          if (call.ctx.isClosed()) return
          sendJson(call.res, 200, { waitedMs: delayMs })
        }
      }
    }
  }
}

/**
 * Answers with the value of one parameter of the payload (or null).
 * @param {OperationCall} call
 * @param {string} name
 */
function echoParameter(call, name) {
  const parsed = parseJsonBody(call.req, call.body)
  if (!parsed.ok) {
    sendJson(call.res, parsed.status, { Message: parsed.message })
    return
  }
  const value =
    parsed.value && typeof parsed.value === 'object'
      ? /** @type {Record<string, unknown>} */ (parsed.value)[name]
      : undefined
  sendJson(call.res, 200, value ?? null)
}

/**
 * Case-insensitive lookup of a key.
 * @template T
 * @param {Record<string, T>} record
 * @param {string} name
 * @returns {[string, T] | undefined}
 */
function lookup(record, name) {
  const lower = name.toLowerCase()
  return Object.entries(record).find(([key]) => key.toLowerCase() === lower)
}

/**
 * @param {import('./server.mjs').SimContext} ctx
 * @returns {FoServices}
 */
export function createFoServices(ctx) {
  /**
   * @param {Req} req
   * @returns {Principal | { refused: string }}
   */
  function authenticate(req) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!match) return { refused: 'no token' }
    const token = match[1]
    if (ctx.staticTokens.has(token)) return { userId: 'Admin', clientId: undefined }
    const check = checkAccessToken(ctx, token)
    if (!check.ok) return { refused: check.reason }
    return { userId: check.clientId, clientId: check.clientId }
  }

  /** @type {FoServices['handle']} */
  async function handle(req, res, segments, body, origin) {
    const principal = authenticate(req)
    if ('refused' in principal) {
      // A valid token of an app missing from Microsoft Entra applications: 401 all the same.
      const error = principal.refused === 'unregistered' ? '' : ', error="invalid_token"'
      sendEmpty(res, 401, {
        'WWW-Authenticate': `Bearer authorization_uri="${ctx.url}/${ctx.tenant}/oauth2/authorize"${error}`
      })
      return
    }
    const method = req.method ?? 'GET'
    const notFound = () =>
      sendJson(res, 404, {
        Message: `No HTTP resource was found that matches the request URI '${origin}${req.url ?? ''}'.`
      })
    /** @param {string} allow */
    const notAllowed = allow =>
      sendJson(
        res,
        405,
        { Message: `The requested resource does not support http method '${method}'.` },
        { Allow: allow }
      )
    if (method !== 'GET' && method !== 'POST') {
      notAllowed('GET, POST')
      return
    }
    if (segments.length > 3) {
      notFound()
      return
    }
    if (segments.length === 0) {
      if (method !== 'GET') return notAllowed('GET')
      sendJson(res, 200, { ServiceGroups: Object.keys(CATALOGUE).map(Name => ({ Name })) })
      return
    }
    const group = lookup(CATALOGUE, segments[0])
    if (!group) return notFound()
    if (segments.length === 1) {
      if (method !== 'GET') return notAllowed('GET')
      sendJson(res, 200, { Services: Object.keys(group[1]).map(Name => ({ Name })) })
      return
    }
    const service = lookup(group[1], segments[1])
    if (!service) return notFound()
    if (segments.length === 2) {
      if (method !== 'GET') return notAllowed('GET')
      sendJson(res, 200, { Operations: Object.keys(service[1]).map(Name => ({ Name })) })
      return
    }
    const operation = lookup(service[1], segments[2])
    if (!operation) return notFound()
    const [, op] = operation
    if (method === 'GET') {
      sendJson(res, 200, {
        Parameters: op.parameters,
        Return: { Name: 'return', Type: op.returnType }
      })
      return
    }
    await op.run({ req, res, body, principal, ctx })
  }

  return { handle }
}
