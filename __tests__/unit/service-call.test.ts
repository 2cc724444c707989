import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { jsonHeaders, startFaultServer, type FaultServer } from '../../__fixtures__/fault-server.js'
import type { Settings } from '../../src/inputs/settings.js'

jest.unstable_mockModule('@actions/core', () => core)
const { callService, prepareResponseFile } = await import('../../src/call/service-call.js')

// The call in process, against a real server on loopback: what it sends, where the body goes,
// and the limits the settings set.

let server: FaultServer
let base: string
let runnerTemp: string
let workspace: string

beforeAll(async () => {
  server = await startFaultServer()
  base = await mkdtemp(path.join(os.tmpdir(), 'd365fo-service-call-'))
  runnerTemp = path.join(base, 'runner-temp')
  workspace = path.join(base, 'workspace')
  await Promise.all([mkdir(runnerTemp), mkdir(workspace)])
})
afterAll(async () => {
  await server.close()
  await rm(base, { recursive: true, force: true })
})
beforeEach(() => {
  jest.resetAllMocks()
  server.reset()
})

function settings(fields: Partial<Settings> = {}): Settings {
  return {
    serviceName: 'G/S/O',
    serviceUrl: `${server.url}/api/services/G/S/O`,
    method: 'POST',
    metadataOnly: false,
    body: Buffer.from('{"a":1}'),
    payload: '{"a":1}',
    checkContract: false,
    contentType: 'application/json;charset=utf-8',
    retryTimeoutMs: 0,
    retryOn: { unavailable: false, network: false },
    successWhen: undefined,
    failWhen: undefined,
    poll: undefined,
    many: undefined,
    throttleSeed: 0,
    credential: { kind: 'token', token: 'service-call-token' },
    expectedToken: {
      audience: server.url,
      audienceInput: 'url',
      tenant: undefined,
      systemUrl: server.url
    },
    enableException: true,
    timeoutMs: 5_000,
    maxResponseBytes: 0,
    responseFile: undefined,
    maskResponse: false,
    sources: {},
    ...fields
  }
}
/** The token source of a given token: the same token for every request. */
const tokens = { current: async (): Promise<string> => 'service-call-token' }
const env = (): Record<string, string> => ({ RUNNER_TEMP: runnerTemp, GITHUB_WORKSPACE: workspace })

/** The call with a fresh response file; the file is closed when it returns. */
async function call(given: Settings): ReturnType<typeof callService> {
  const file = await prepareResponseFile(given, env())
  return callService(given, tokens, file)
}

describe('prepareResponseFile', () => {
  it('without response-file: a fresh file under RUNNER_TEMP, created with its folder', async () => {
    const fresh = { RUNNER_TEMP: path.join(base, 'fresh-temp') }
    const first = await prepareResponseFile(settings(), fresh)
    const second = await prepareResponseFile(settings(), fresh)
    await Promise.all([first.handle.close(), second.handle.close()])

    expect(path.dirname(first.path)).toBe(fresh.RUNNER_TEMP)
    expect(path.basename(first.path)).toMatch(/^d365fo-response-[0-9a-f-]{36}\.json$/)
    expect(second.path).not.toBe(first.path)
    expect((await readdir(fresh.RUNNER_TEMP)).sort()).toEqual(
      [path.basename(first.path), path.basename(second.path)].sort()
    )
  })

  it('with response-file: that file, checked and opened', async () => {
    const wanted = path.join(workspace, 'out', 'answer.json')
    const file = await prepareResponseFile(settings({ responseFile: wanted }), env())
    await file.handle.close()

    expect(file.path).toBe(wanted)
    expect(await readFile(wanted, 'utf8')).toBe('')
  })
})

describe('callService', () => {
  it('sends the token, Accept, the charset and the body; the answer lands in the file', async () => {
    const seen: { headers?: Record<string, unknown>; body?: string } = {}
    server.handle(async (req, res) => {
      const parts: Buffer[] = []
      for await (const part of req) parts.push(part as Buffer)
      seen.headers = req.headers
      seen.body = Buffer.concat(parts).toString()
      res.writeHead(200, jsonHeaders('{"answer":42}'))
      res.end('{"answer":42}')
    })
    const result = await call(settings())

    expect(seen.headers).toMatchObject({
      authorization: 'Bearer service-call-token',
      accept: 'application/json',
      'content-type': 'application/json;charset=utf-8'
    })
    expect(seen.body).toBe('{"a":1}')
    expect(result).toMatchObject({ status: 200, attempts: 1, failure: undefined })
    expect(result.body?.head.toString()).toBe('{"answer":42}')
    expect(await readFile(result.body?.file ?? '', 'utf8')).toBe('{"answer":42}')
  })

  it('closes the response file when the call ends', async () => {
    const file = await prepareResponseFile(settings(), env())
    await callService(settings(), tokens, file)

    // A closed handle has no descriptor left.
    expect(file.handle.fd).toBe(-1)
  })

  it('a GET follows a redirect; a POST does not (it may not be repeatable)', async () => {
    server.handle((req, res) => {
      if (req.url?.endsWith('/G/S/O')) res.writeHead(302, { Location: '/moved' }).end()
      else res.writeHead(200, jsonHeaders('{}')).end('{}')
    })
    const get = await call(settings({ method: 'GET', body: undefined, contentType: undefined }))
    const post = await call(settings())

    expect(get.status).toBe(200)
    expect(post.status).toBe(302)
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/services/G/S/O',
      'GET /moved',
      'POST /api/services/G/S/O'
    ])
  })

  it('a body that stalls past timeout-sec fails the call with the limit’s name', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' })
      res.write('{"partial":')
    })
    const result = await call(settings({ timeoutMs: 200 }))

    expect(result.failure).toEqual({
      kind: 'transport',
      status: 200,
      message: `POST ${server.url}/api/services/G/S/O failed: no response within 0.2 s (timeout-sec) (while reading the body of HTTP 200, after 11 of 100 bytes)`
    })
  })

  it('a body past max-response-size fails the call, and the file keeps no more than the limit', async () => {
    const body = JSON.stringify({ data: 'x'.repeat(5000) })
    server.handle((_req, res) => {
      res.writeHead(200, jsonHeaders(body)).end(body)
    })
    const file = await prepareResponseFile(settings(), env())
    const result = await callService(settings({ maxResponseBytes: 1024 }), tokens, file)

    expect(result.failure?.message).toContain(
      'the response body is larger than 1 KiB (max-response-size)'
    )
    expect((await readFile(file.path)).length).toBeLessThanOrEqual(1024)
  })

  it('with until: calls again until the condition holds; the last answer is the result', async () => {
    let round = 0
    server.handle((_req, res) => {
      const body = JSON.stringify({ Status: ++round < 3 ? 'Running' : 'Done' })
      res.writeHead(200, jsonHeaders(body)).end(body)
    })
    const file = await prepareResponseFile(settings(), env())
    const result = await callService(
      settings({ poll: { until: "Status == 'Done'", intervalMs: 10, timeoutMs: 60_000 } }),
      tokens,
      file
    )

    expect(result).toMatchObject({ status: 200, polls: 3, failure: undefined })
    expect(server.requests).toHaveLength(3)
    expect(await readFile(file.path, 'utf8')).toBe('{"Status":"Done"}')
    expect(core.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Poll 1 \(\d+ s\): Status = "Running" → not yet/)
    )
  })
})
