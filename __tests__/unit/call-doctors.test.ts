import { describe, expect, it } from '@jest/globals'
import { createCallDoctors, type DoctorCall } from '../../src/call/call-doctors.js'
import type { Catalogue, Contract } from '../../src/doctors/fo-catalogue.js'
import type { InvokeResult } from '../../src/call/invoker.js'

// When the doctors ask F&O and what they add (a fake catalogue: the GETs are fo-catalogue.test.ts's).

function fakeCatalogue(contract: Contract): Catalogue & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    async list(segments) {
      asked.push(`list ${segments.join('/')}`)
      return { kind: 'listed', names: ['GetStatus'] }
    },
    async contract(segments) {
      asked.push(`contract ${segments.join('/')}`)
      return contract
    },
    requests: () => asked.length
  }
}

const call: DoctorCall = {
  method: 'POST',
  url: 'https://h/api/services/G/S/GetStatu',
  serviceName: 'G/S/GetStatu',
  payload: '{"_jobId":"1"}',
  polling: false
}

function notFound(body = ''): InvokeResult {
  return {
    status: 404,
    headers: { 'content-type': 'application/json' },
    body: { bytes: body.length, head: Buffer.from(body), file: '' },
    attempts: 1,
    waitedMs: 0,
    elapsedMs: 1,
    failure: { kind: 'http', status: 404, message: 'POST https://h/x failed: HTTP 404 Not Found' }
  }
}

const found: Contract = { kind: 'found', parameters: [{ name: '_jobId', type: 'String' }] }

describe('explain', () => {
  it('asks nothing for a 404 while polling, where it means "not yet"', async () => {
    const catalogue = fakeCatalogue(found)
    const doctors = createCallDoctors({ catalogue, checkContract: false, warning: () => undefined })
    const result = notFound()
    await expect(doctors.explain(result, { ...call, polling: true })).resolves.toBe(result)
    expect(catalogue.asked).toEqual([])
  })

  it('adds the name to the failure, with and without the body (mask-response)', async () => {
    const doctors = createCallDoctors({
      catalogue: fakeCatalogue(found),
      checkContract: false,
      warning: () => undefined
    })
    const explained = await doctors.explain(
      {
        ...notFound('{"Message":"no"}'),
        failure: { kind: 'http', status: 404, message: 'x — no', withoutBody: 'x' }
      },
      call
    )
    expect(explained.failure).toEqual({
      kind: 'http',
      status: 404,
      message: 'x — no — F&O has no operation GetStatu in G/S; did you mean GetStatus?',
      withoutBody: 'x — F&O has no operation GetStatu in G/S; did you mean GetStatus?'
    })
  })

  it('leaves a success and a failure it has nothing for as they are', async () => {
    const catalogue = fakeCatalogue(found)
    const doctors = createCallDoctors({ catalogue, checkContract: false, warning: () => undefined })
    const ok = { ...notFound(), status: 200, failure: undefined }
    await expect(doctors.explain(ok, call)).resolves.toBe(ok)
    const teapot = { ...notFound(), status: 418 }
    await expect(doctors.explain(teapot, call)).resolves.toBe(teapot)
    expect(catalogue.asked).toEqual([])
  })
})

describe('checkContract', () => {
  it('does nothing unless check-contract is on, and only for a POST to an operation', async () => {
    const catalogue = fakeCatalogue(found)
    const off = createCallDoctors({ catalogue, checkContract: false, warning: () => undefined })
    await expect(off.checkContract(call)).resolves.toBeUndefined()
    const on = createCallDoctors({ catalogue, checkContract: true, warning: () => undefined })
    await expect(on.checkContract({ ...call, method: 'GET' })).resolves.toBeUndefined()
    await expect(on.checkContract({ ...call, serviceName: 'G/S' })).resolves.toBeUndefined()
    expect(catalogue.asked).toEqual([])
  })

  it('fails an unknown key unsent, and warns once of a missing parameter', async () => {
    const warnings: string[] = []
    const doctors = createCallDoctors({
      catalogue: fakeCatalogue({
        kind: 'found',
        parameters: [
          { name: '_jobId', type: 'String' },
          { name: '_verbose', type: 'Boolean' }
        ]
      }),
      checkContract: true,
      warning: line => warnings.push(line)
    })
    await expect(doctors.checkContract({ ...call, payload: '{"jobId": "1"}' })).resolves.toEqual({
      kind: 'check',
      message:
        "POST https://h/api/services/G/S/GetStatu was not sent — check-contract: the payload does not match the parameters of GetStatu: 'jobId' is not one of them — did you mean '_jobId' (String)?; '_verbose' (Boolean) is missing"
    })
    expect(warnings).toEqual([])
    await expect(doctors.checkContract(call)).resolves.toBeUndefined()
    await expect(doctors.checkContract(call)).resolves.toBeUndefined()
    expect(warnings).toEqual([
      "check-contract: G/S/GetStatu: '_verbose' (Boolean) is missing from the payload; X++ runs with its default value"
    ])
  })

  it('warns once per operation when the contract cannot be read, and sends the call', async () => {
    const warnings: string[] = []
    const doctors = createCallDoctors({
      catalogue: fakeCatalogue({ kind: 'unknown', why: 'HTTP 503' }),
      checkContract: true,
      warning: line => warnings.push(line)
    })
    await expect(doctors.checkContract(call)).resolves.toBeUndefined()
    await expect(doctors.checkContract(call)).resolves.toBeUndefined()
    expect(warnings).toEqual([
      'check-contract: the contract of G/S/GetStatu could not be read (HTTP 503); its calls are sent unchecked'
    ])
  })

  it('fails a payload that is not a JSON object, and one for an operation F&O does not have', async () => {
    const doctors = createCallDoctors({
      catalogue: fakeCatalogue(found),
      checkContract: true,
      warning: () => undefined
    })
    await expect(doctors.checkContract({ ...call, payload: '[1, 2]' })).resolves.toEqual({
      kind: 'check',
      message:
        'POST https://h/api/services/G/S/GetStatu was not sent — check-contract: the payload is not a JSON object, so it names none of the parameters of GetStatu'
    })
    const missing = createCallDoctors({
      catalogue: fakeCatalogue({ kind: 'missing' }),
      checkContract: true,
      warning: () => undefined
    })
    await expect(missing.checkContract(call)).resolves.toMatchObject({
      kind: 'check',
      message: expect.stringMatching(
        /answered 404 to the operation's contract — F&O has no operation GetStatu in G\/S; did you mean GetStatus\?$/
      )
    })
  })
})
