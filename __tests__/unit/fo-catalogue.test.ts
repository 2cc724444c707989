import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startFaultServer, type FaultServer } from '../../__fixtures__/fault-server.js'
import { createCatalogue, MaxListings, typeName } from '../../src/doctors/fo-catalogue.js'
import { createTransport, type Transport } from '../../src/transport/http.js'

// The doctors' GETs in process, against a real server on loopback: what they send, what they
// make of each answer, how often they ask, and the limits they keep.

let server: FaultServer
let transport: Transport

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  server.reset()
  transport?.close()
  transport = createTransport({ timeoutMs: 2_000, followRedirects: false })
})
afterAll(() => transport?.close())

function catalogue(options: { maxResponseBytes?: number; stallMs?: number; bodyMs?: number } = {}) {
  return createCatalogue({
    transport,
    bearer: async () => 'catalogue-token',
    systemUrl: server.url,
    stallMs: options.stallMs ?? 2_000,
    maxResponseBytes: options.maxResponseBytes ?? 0,
    ...(options.bodyMs === undefined ? {} : { bodyMs: options.bodyMs })
  })
}

/** Answers every request with `status` and `body` (an object as JSON). */
function answer(status: number, body: unknown, contentType = 'application/json'): void {
  server.handle((_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  })
}

describe('createCatalogue', () => {
  it("GETs a service's operations with the step's token, and keeps only AOT names", async () => {
    answer(200, { Operations: [{ Name: 'GetA' }, { Name: '::error::x' }, { Name: 7 }, {}] })
    const listing = await catalogue().list(['G', 'S'])

    expect(listing).toEqual({ kind: 'listed', names: ['GetA'] })
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/api/services/G/S',
        authorization: 'Bearer catalogue-token'
      })
    ])
  })

  it('reads the groups and a group under the keys F&O lists them by', async () => {
    answer(200, { ServiceGroups: [{ Name: 'One' }], Services: [{ Name: 'Two' }] })
    const known = catalogue()
    await expect(known.list([])).resolves.toEqual({ kind: 'listed', names: ['One'] })
    await expect(known.list(['One'])).resolves.toEqual({ kind: 'listed', names: ['Two'] })
    expect(server.requests.map(request => request.path)).toEqual([
      '/api/services',
      '/api/services/One'
    ])
  })

  it("tells F&O's 404 (empty or JSON) from a gateway's page and other answers", async () => {
    answer(404, '')
    await expect(catalogue().list(['G'])).resolves.toEqual({ kind: 'missing' })
    answer(404, { Message: 'No HTTP resource' })
    await expect(catalogue().list(['G'])).resolves.toEqual({ kind: 'missing' })
    answer(404, '<html><title>404</title></html>', 'text/html')
    await expect(catalogue().list(['G'])).resolves.toMatchObject({ kind: 'unknown' })
    answer(404, 'Not Found', 'text/plain')
    await expect(catalogue().list(['G'])).resolves.toMatchObject({ kind: 'unknown' })
    answer(503, { Message: 'busy' })
    await expect(catalogue().list(['G'])).resolves.toEqual({ kind: 'unknown', why: 'HTTP 503' })
    answer(200, 'not json', 'text/plain')
    await expect(catalogue().list(['G'])).resolves.toMatchObject({ kind: 'unknown' })
  })

  it('asks each path once, even when calls ask at the same time', async () => {
    answer(200, { Operations: [{ Name: 'A' }] })
    const known = catalogue()
    await Promise.all([known.list(['G', 'S']), known.list(['g', 's']), known.list(['G', 'S'])])
    expect(server.requests).toHaveLength(1)
    expect(known.requests()).toBe(1)
  })

  it(`lists at most ${MaxListings} paths per step, then says nothing`, async () => {
    answer(404, '')
    const known = catalogue()
    for (const name of ['A', 'B', 'C']) await expect(known.list([name])).resolves.toBeDefined()
    await expect(known.list(['D'])).resolves.toBeUndefined()
    // A path already asked is still known.
    await expect(known.list(['a'])).resolves.toEqual({ kind: 'missing' })
    expect(server.requests).toHaveLength(MaxListings)
  })

  it("reads an operation's contract once per operation, whatever the listings' budget", async () => {
    answer(200, {
      Parameters: [
        { Name: '_contract', Type: 'Dynamics.AX.Application.MyContract' },
        { Name: '_when', Type: 'System.Collections.Generic.List`1[System.DateTime]' }
      ],
      Return: { Name: 'return', Type: 'void' }
    })
    const known = catalogue()
    const contract = await known.contract(['G', 'S', 'Op'])
    await known.contract(['g', 's', 'op'])
    expect(contract).toEqual({
      kind: 'found',
      parameters: [
        { name: '_contract', type: 'Dynamics.AX.Application.MyContract' },
        { name: '_when', type: 'System.Collections.Generic.List`1[System.DateTime]' }
      ]
    })
    expect(server.requests.map(request => request.path)).toEqual(['/api/services/G/S/Op'])
  })

  it('keeps to max-response-size and to the stall limit', async () => {
    answer(200, { Operations: [{ Name: 'A'.repeat(100) }] })
    await expect(catalogue({ maxResponseBytes: 50 }).list(['G', 'S'])).resolves.toMatchObject({
      kind: 'unknown'
    })
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"Operations":[')
      // Never ends: the stall limit ends the read.
    })
    await expect(catalogue({ stallMs: 100 }).list(['G', 'S'])).resolves.toMatchObject({
      kind: 'unknown'
    })
  })

  it('gives up on a body that drips without ever stalling, within its time in all', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"Operations":[')
      const drip = setInterval(() => res.write(' '), 50)
      res.on('close', () => clearInterval(drip))
    })
    await expect(catalogue({ stallMs: 2_000, bodyMs: 500 }).list(['G', 'S'])).resolves.toEqual({
      kind: 'unknown',
      why: 'HTTP 200 with a body that could not be read'
    })
  })

  it('gives unknown, not an error, when no answer comes', async () => {
    transport.close()
    await expect(catalogue().contract(['G', 'S', 'O'])).resolves.toEqual({
      kind: 'unknown',
      why: 'no answer'
    })
  })
})

describe('typeName', () => {
  it('keeps what type names hold, and nothing that could be a command or markup', () => {
    expect(typeName('Dynamics.AX.Application.MyContract')).toBe(
      'Dynamics.AX.Application.MyContract'
    )
    expect(typeName('::error::x ##[add-mask]y <img>\u001b[31m')).toBe(
      '??error??x ??[add?mask]y ?img?'
    )
    expect(typeName(undefined)).toBe('unknown type')
    expect(typeName('A'.repeat(500))).toHaveLength(100)
  })
})
