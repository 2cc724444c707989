// @ts-check
/**
 * The simulator's HTTPS server: routing, the request log, scripted responses and shutdown.
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:https'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getEntraSigningKey, getOidcSigningKey, getTlsMaterial } from './certificates.mjs'
import { issueAccessToken } from './access-tokens.mjs'
import { createEntra } from './entra.mjs'
import { createFoServices } from './fo-services.mjs'
import { createGithubOidc, OidcJwksPath, OidcTokenPath } from './github-oidc.mjs'
import { URLSearchParams } from 'node:url'
import { JsonContentType, sendJson } from './respond.mjs'
import { createTokenBucket, ThrottleMessages } from './throttle.mjs'

export const DefaultTenant = '11111111-2222-3333-4444-555555555555'
export const DefaultClientId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
export const DefaultClientSecret = 'sim8Q~default-client-secret-value'

/** Script keys that name an Entra / GitHub endpoint instead of a service path. */
const SpecialScriptKeys = ['token', 'oidc', 'metadata', 'discovery']

/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */
/** @typedef {import('./index.mjs').ScriptedResponse} ScriptedResponse */
/** @typedef {import('./index.mjs').RecordedRequest} RecordedRequest */

/** @typedef {import('./index.mjs').SimulatorOptions} SimulatorOptions */

/** @typedef {import('./index.mjs').Simulator} Simulator */

/** @typedef {import('./index.mjs').IssueTokenOptions} IssueTokenOptions */

/**
 * @typedef {object} SimContext State shared by the route handlers of one simulator.
 * @property {string} url 'https://127.0.0.1:<port>'
 * @property {string} tenant
 * @property {string} audience resource F&O accepts tokens for (no trailing slash)
 * @property {string[] | undefined} registeredApps client ids F&O knows (Microsoft Entra applications); undefined = every app
 * @property {import('./certificates.mjs').SigningKey} signingKey Entra's token signing key
 * @property {string[]} hostnames every host name the server certificate covers (incl. 127.0.0.1)
 * @property {number} port
 * @property {import('./index.mjs').SecretClient[]} clients
 * @property {import('./index.mjs').CertificateClient[]} certificateClients
 * @property {import('./index.mjs').FederatedClient[]} federatedClients
 * @property {Set<string>} staticTokens
 * @property {Map<string, import('./index.mjs').TokenGrant>} grants every token ever issued (survives reset())
 * @property {string[]} issuedTokens
 * @property {import('./index.mjs').TokenGrant[]} tokenGrants
 * @property {import('./index.mjs').TokenLifetime[]} tokenLifetimes lifetimes of the next tokens, used up one per token
 * @property {Map<string, import('./fo-services.mjs').SimJob>} jobs jobs submitted to SimTestService/JobService
 * @property {(ms: number) => Promise<void>} sleep resolves after ms, or early when the simulator closes
 * @property {() => boolean} isClosed
 */

/**
 * @typedef {object} Route
 * @property {import('./index.mjs').RequestKind} kind
 * @property {string | undefined} scriptKey
 * @property {(req: Req, res: Res, body: Buffer, query: URLSearchParams, origin: string) => void | Promise<void>} run
 */

/**
 * Normalises a script key: 'token' | 'oidc' | 'metadata' | 'discovery', or 'service:<group/service/operation>'.
 * @param {string} servicePath
 */
export function scriptKeyOf(servicePath) {
  const trimmed = servicePath.trim().replace(/^\/+|\/+$/g, '')
  if (SpecialScriptKeys.includes(trimmed.toLowerCase())) return trimmed.toLowerCase()
  const rest = trimmed.replace(/^(?:namespaces\/[^/]+\/)?api\/services(?:\/|$)/i, '')
  return `service:${rest.toLowerCase()}`
}

/**
 * @param {string} segment
 */
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * @param {Req} req
 * @returns {Promise<{ body: Buffer, complete: boolean }>}
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = []
  try {
    for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk))
    return { body: Buffer.concat(chunks), complete: true }
  } catch {
    return { body: Buffer.concat(chunks), complete: false }
  }
}

/**
 * Resets the connection (TCP RST) when possible, else just destroys the socket.
 * A TLS socket cannot send an RST itself; the TCP socket under it (`_parent`) can.
 * @param {import('node:net').Socket} socket
 */
function resetSocket(socket) {
  const tcp = /** @type {{ _parent?: unknown }} */ (/** @type {unknown} */ (socket))._parent
  try {
    if (tcp instanceof Socket) tcp.resetAndDestroy()
    else socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

/**
 * Encodes a scripted body; objects become JSON.
 * @param {ScriptedResponse['body']} body
 * @returns {{ bytes: Buffer, json: boolean }}
 */
function encodeScriptedBody(body) {
  if (body === undefined || body === null) return { bytes: Buffer.alloc(0), json: false }
  if (Buffer.isBuffer(body)) return { bytes: body, json: false }
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), json: false }
  return { bytes: Buffer.from(JSON.stringify(body), 'utf8'), json: true }
}

/**
 * @param {Record<string, string | number | string[]>} headers
 * @param {string} name lower case
 */
function hasHeader(headers, name) {
  return Object.keys(headers).some(h => h.toLowerCase() === name)
}

/**
 * Starts an F&O + Entra ID + GitHub OIDC simulator on https://127.0.0.1:<random port>.
 * @param {SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
export async function startSimulator(options = {}) {
  const tenant = options.tenant ?? DefaultTenant
  const extraHostnames = options.hostnames ?? []
  const [tls, signingKey, entraKey] = await Promise.all([
    getTlsMaterial(extraHostnames),
    getOidcSigningKey(),
    getEntraSigningKey()
  ])
  const createdDir = options.dir === undefined
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'd365fo-sim-')))
  if (!createdDir) await mkdir(dir, { recursive: true })
  const caFile = join(dir, 'ca.pem')
  await writeFile(caFile, tls.caPem)

  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  /** @type {Set<{ timer: ReturnType<typeof setTimeout>, resolve: () => void }>} */
  const sleepers = new Set()
  /** @type {Map<string, ScriptedResponse[]>} */
  const scripts = new Map()
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {import('./index.mjs').TlsHandshake[]} */
  const tlsHandshakes = []
  let closed = false
  /** @type {Promise<void> | undefined} */
  let closing
  /** @type {import('./throttle.mjs').TokenBucket | undefined} */
  let bucket = options.throttle ? createTokenBucket(options.throttle, Date.now()) : undefined
  /** @type {'resource' | 'user' | undefined} */
  let throttleKind = options.throttle?.kind

  /** @param {number} ms */
  const sleep = ms =>
    /** @type {Promise<void>} */ (
      new Promise(resolve => {
        if (closed) return resolve()
        /** @type {{ timer: ReturnType<typeof setTimeout>, resolve: () => void }} */
        const sleeper = {
          timer: setTimeout(() => {
            sleepers.delete(sleeper)
            resolve()
          }, ms),
          resolve
        }
        sleepers.add(sleeper)
      })
    )

  const server = createServer({ key: tls.keyPem, cert: tls.certPem })
  server.on('connection', (/** @type {import('node:net').Socket} */ socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    if (closed) socket.destroy()
  })
  // One per TLS connection: what a client that reuses its connection saves.
  server.on('secureConnection', (/** @type {import('node:tls').TLSSocket} */ socket) => {
    const servername = /** @type {string | false | undefined} */ (socket.servername)
    tlsHandshakes.push({ time: Date.now(), servername: servername || undefined })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  if (!address || typeof address === 'string')
    throw new Error('The simulator could not read its port')
  const port = address.port
  const url = `https://127.0.0.1:${port}`
  const hostnames = [
    ...new Set(['127.0.0.1', 'localhost', ...extraHostnames.map(h => h.toLowerCase())])
  ]
  const knownHosts = new Set(hostnames.map(h => `${h}:${port}`))

  /** @type {import('./server.mjs').SimContext} */
  const ctx = {
    url,
    tenant,
    audience: (options.audience ?? url).replace(/\/+$/, ''),
    registeredApps: options.registeredApps,
    signingKey: entraKey,
    hostnames,
    port,
    clients: options.clients ?? [{ clientId: DefaultClientId, clientSecret: DefaultClientSecret }],
    certificateClients: options.certificateClients ?? [],
    federatedClients: options.federatedClients ?? [],
    staticTokens: new Set(options.staticTokens ?? []),
    grants: new Map(),
    issuedTokens: [],
    tokenGrants: [],
    tokenLifetimes: [],
    jobs: new Map(),
    sleep,
    isClosed: () => closed
  }
  const oidc = createGithubOidc({
    url,
    issuer: options.oidcIssuer,
    subject: options.oidcSubject,
    signingKey
  })
  const entra = createEntra(ctx, oidc)
  const fo = createFoServices(ctx)

  /**
   * @param {string} pathname
   * @returns {Route}
   */
  function route(pathname) {
    if (pathname === OidcTokenPath || pathname === `${OidcTokenPath}/`) {
      return {
        kind: 'oidc',
        scriptKey: 'oidc',
        run: (req, res, _b, query) => oidc.handleToken(req, res, query)
      }
    }
    if (pathname === OidcJwksPath) {
      return { kind: 'oidc', scriptKey: undefined, run: (_req, res) => oidc.handleJwks(res) }
    }
    if (/^\/common\/discovery\/instance\/?$/i.test(pathname)) {
      return {
        kind: 'discovery',
        scriptKey: 'discovery',
        run: (req, res, _b, query, origin) => entra.handleDiscovery(req, res, query, origin)
      }
    }
    let m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration\/?$/i.exec(pathname)
    if (m) {
      const t = decodeSegment(m[1])
      return {
        kind: 'metadata',
        scriptKey: 'metadata',
        run: (req, res, _b, _q, origin) => entra.handleMetadata(req, res, t, origin)
      }
    }
    m = /^\/([^/]+)\/discovery\/v2\.0\/keys\/?$/i.exec(pathname)
    if (m) {
      const t = decodeSegment(m[1])
      return {
        kind: 'metadata',
        scriptKey: undefined,
        run: (req, res, _b, _q, origin) => entra.handleKeys(req, res, t, origin)
      }
    }
    m = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/i.exec(pathname)
    if (m) {
      const t = decodeSegment(m[1])
      return {
        kind: 'token',
        scriptKey: 'token',
        run: (req, res, body, _q, origin) => entra.handleToken(req, res, t, body, origin)
      }
    }
    m = /^(?:\/namespaces\/[^/]+)?\/api\/services(\/.*)?$/i.exec(pathname)
    if (m) {
      const segments = (m[1] ?? '').split('/').filter(Boolean).map(decodeSegment)
      return {
        kind: 'service',
        scriptKey: `service:${segments.join('/').toLowerCase()}`,
        run: (req, res, body, _q, origin) => fo.handle(req, res, segments, body, origin)
      }
    }
    return {
      kind: 'other',
      scriptKey: undefined,
      run: (req, res) =>
        sendJson(res, 404, {
          error: 'not_found',
          message: `The simulator has no route for ${req.method} ${pathname}`
        })
    }
  }

  /**
   * @param {Req} req
   * @param {Res} res
   * @param {ScriptedResponse} step
   */
  async function answerScripted(req, res, step) {
    if (step.delayMs) await sleep(step.delayMs)
    if (closed || res.destroyed) return
    if (step.hang) return
    if (step.destroy === 'before-headers') {
      // Closes without an answer: the client sees ECONNRESET 'socket hang up'.
      req.socket.destroy()
      return
    }
    if (step.destroy === 'reset') {
      // A TCP RST: the client sees ECONNRESET 'read ECONNRESET'.
      resetSocket(req.socket)
      return
    }
    const status = step.status ?? 200
    const headers = { ...(step.headers ?? {}) }
    const { bytes, json } = encodeScriptedBody(step.body)
    if (json && !hasHeader(headers, 'content-type')) headers['Content-Type'] = JsonContentType
    if (step.destroy === 'mid-body') {
      const full =
        bytes.length >= 2 ? bytes : Buffer.from(JSON.stringify({ data: 'x'.repeat(4096) }))
      if (bytes.length < 2 && !hasHeader(headers, 'content-type'))
        headers['Content-Type'] = JsonContentType
      if (!hasHeader(headers, 'content-length')) headers['Content-Length'] = full.length
      res.writeHead(status, headers)
      res.write(full.subarray(0, Math.floor(full.length / 2)), () => {
        sleep(20).then(() => req.socket.destroy())
      })
      return
    }
    if (!hasHeader(headers, 'content-length') && !hasHeader(headers, 'transfer-encoding')) {
      headers['Content-Length'] = bytes.length
    }
    res.writeHead(status, headers)
    res.end(bytes)
  }

  /**
   * @param {Req} req
   * @param {Res} res
   */
  async function onRequest(req, res) {
    const time = Date.now()
    const rawUrl = req.url ?? '/'
    const queryStart = rawUrl.indexOf('?')
    const pathname = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart)
    const query = queryStart < 0 ? '' : rawUrl.slice(queryStart + 1)
    const selected = route(pathname)
    const { body } = await readBody(req)
    /** @type {RecordedRequest} */
    const entry = {
      method: req.method ?? 'GET',
      path: pathname,
      query,
      url: rawUrl,
      headers: { ...req.headers },
      body: body.toString('utf8'),
      bodyBytes: body,
      kind: selected.kind,
      time
    }
    requests.push(entry)
    res.on('close', () => {
      if (res.headersSent) entry.status = res.statusCode
      options.log?.(
        `${entry.method} ${rawUrl} -> ${entry.status ?? 'no answer'} (${Date.now() - time} ms)`
      )
    })
    if (closed) return
    if (bucket && selected.kind === 'service') {
      const taken = bucket.take(time)
      if (!taken.admitted) {
        entry.throttled = true
        sendJson(
          res,
          429,
          { Message: ThrottleMessages[throttleKind ?? 'plain'] },
          { 'Retry-After': String(taken.retryAfterSeconds) }
        )
        entry.status = 429
        return
      }
    }
    const queue = selected.scriptKey === undefined ? undefined : scripts.get(selected.scriptKey)
    const step = queue?.shift()
    if (queue && queue.length === 0 && selected.scriptKey !== undefined)
      scripts.delete(selected.scriptKey)
    if (step) {
      entry.scripted = true
      await answerScripted(req, res, step)
    } else {
      const host = String(req.headers.host ?? '').toLowerCase()
      const origin = knownHosts.has(host) ? `https://${host}` : url
      await selected.run(req, res, body, new URLSearchParams(query), origin)
    }
    // Recorded here too (not only on 'close'), so it is set before the client can see the answer.
    if (res.headersSent) entry.status = res.statusCode
  }

  server.on('request', (req, res) => {
    onRequest(req, res).catch(err => {
      options.log?.(
        `simulator error on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`
      )
      if (!res.headersSent)
        sendJson(res, 500, {
          Message: `Simulator error: ${err instanceof Error ? err.message : String(err)}`
        })
      else res.destroy()
    })
  })

  /** @type {Simulator['issueToken']} */
  function issueToken(request = {}) {
    const grant = issueAccessToken(entraKey, {
      clientId: request.clientId ?? ctx.clients[0]?.clientId ?? DefaultClientId,
      audience: request.audience ?? ctx.audience,
      tenant: request.tenant ?? tenant,
      credential: 'test',
      issuedAt: request.issuedAt,
      expiresAt: request.expiresAt
    })
    ctx.grants.set(grant.accessToken, grant)
    ctx.issuedTokens.push(grant.accessToken)
    ctx.tokenGrants.push(grant)
    return grant.accessToken
  }

  /** @type {Simulator['script']} */
  function script(servicePath, responses) {
    const key = scriptKeyOf(servicePath)
    const list = Array.isArray(responses) ? responses : [responses]
    scripts.set(key, [...(scripts.get(key) ?? []), ...list])
  }

  /** @type {Simulator['tokenLifetimes']} */
  function tokenLifetimes(lifetimes) {
    ctx.tokenLifetimes.push(...lifetimes)
  }

  /** @type {Simulator['throttle']} */
  function throttle(settings) {
    bucket = settings ? createTokenBucket(settings, Date.now()) : undefined
    throttleKind = settings?.kind
  }

  /** @type {Simulator['reset']} */
  function reset() {
    throttle(options.throttle)
    requests.length = 0
    tlsHandshakes.length = 0
    scripts.clear()
    ctx.issuedTokens.length = 0
    ctx.tokenGrants.length = 0
    ctx.tokenLifetimes.length = 0
    ctx.jobs.clear()
    oidc.info.issuedTokens.length = 0
    oidc.info.lastToken = undefined
  }

  /** @type {Simulator['close']} */
  function close() {
    closing ??= (async () => {
      closed = true
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer)
        sleeper.resolve()
      }
      sleepers.clear()
      const serverClosed = new Promise(resolve => server.close(() => resolve(undefined)))
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await serverClosed
      if (createdDir) await rm(dir, { recursive: true, force: true })
    })()
    return closing
  }

  return {
    url,
    port,
    caFile,
    caPem: tls.caPem,
    tenant,
    authorityHost: url,
    audience: ctx.audience,
    dir,
    clients: ctx.clients,
    requests,
    tlsHandshakes,
    issuedTokens: ctx.issuedTokens,
    tokenGrants: ctx.tokenGrants,
    oidc: oidc.info,
    issueToken,
    script,
    tokenLifetimes,
    throttle,
    reset,
    close
  }
}
