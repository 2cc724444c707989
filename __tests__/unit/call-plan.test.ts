import { describe, expect, it } from '@jest/globals'
import { createExpressionCache, prepareCall, type CallDefaults } from '../../src/call/call-plan.js'
import type { CallSpec } from '../../src/call/call-spec.js'

const Url = 'https://contoso.operations.dynamics.com'
const Defaults: CallDefaults = {
  serviceName: undefined,
  payload: undefined,
  method: 'auto',
  successWhen: undefined,
  failWhen: undefined,
  charset: { name: 'utf-8', encoding: 'utf8' },
  systemUrl: Url
}
const Empty: CallSpec = {
  name: undefined,
  serviceName: undefined,
  payload: undefined,
  method: undefined,
  successWhen: undefined,
  failWhen: undefined
}

describe('prepareCall', () => {
  it('names a call of calls-file by its line, and one of calls by its position', async () => {
    const spec = { ...Empty, serviceName: 'G/S/O' }
    await expect(prepareCall(spec, Defaults, { index: 3, line: 7 })).resolves.toMatchObject({
      name: 'line 7',
      index: 3,
      line: 7
    })
    await expect(prepareCall(spec, Defaults, { index: 3 })).resolves.toMatchObject({
      name: 'call 3',
      line: undefined
    })
  })

  it("takes what the call leaves out from the step, and the call's own over the step's", async () => {
    const defaults: CallDefaults = {
      ...Defaults,
      serviceName: 'G/S/O',
      payload: '{"step":true}',
      successWhen: 'ok',
      failWhen: 'bad'
    }
    await expect(prepareCall(Empty, defaults, { index: 1 })).resolves.toEqual({
      name: 'call 1',
      index: 1,
      line: undefined,
      serviceName: 'G/S/O',
      method: 'POST',
      url: `${Url}/api/services/G/S/O`,
      body: Buffer.from('{"step":true}'),
      payload: '{"step":true}',
      contentType: 'application/json;charset=utf-8',
      successWhen: 'ok',
      failWhen: 'bad'
    })
    await expect(
      prepareCall({ ...Empty, payload: '{"own":1}', successWhen: 'mine' }, defaults, { index: 2 })
    ).resolves.toMatchObject({
      body: Buffer.from('{"own":1}'),
      successWhen: 'mine',
      failWhen: 'bad'
    })
  })

  it('lists groups with GET and / as every group', async () => {
    await expect(
      prepareCall({ ...Empty, serviceName: '/', method: 'GET' }, Defaults, { index: 1 })
    ).resolves.toMatchObject({
      serviceName: '/',
      method: 'GET',
      url: `${Url}/api/services`,
      body: undefined
    })
  })

  it('refuses a payload for a service listed with GET', async () => {
    await expect(
      prepareCall(
        { ...Empty, serviceName: 'G/S', method: 'GET' },
        { ...Defaults, payload: '{}' },
        { index: 1 }
      )
    ).resolves.toEqual({
      problem:
        "service-name 'G/S' names a service group or service, which can only be listed (GET, no payload). To run an operation, give ServiceGroup/Service/Operation"
    })
  })

  it('refuses a service with method auto: the call would run nothing', async () => {
    await expect(
      prepareCall({ ...Empty, serviceName: 'G/S' }, Defaults, { index: 1 })
    ).resolves.toEqual({
      problem:
        "service-name 'G/S' names a service, not an operation: add the operation to run it (ServiceGroup/Service/Operation), or set method: GET to list what it holds"
    })
  })

  it('checks the expressions a call gives, with a cache shared by the calls', async () => {
    const cache = createExpressionCache()
    const spec = { ...Empty, serviceName: 'G/S/O', successWhen: 'Result == `true`' }
    for (let index = 1; index <= 3; index++) {
      await expect(prepareCall(spec, Defaults, { index }, cache)).resolves.toMatchObject({
        successWhen: 'Result == `true`'
      })
    }
    await expect(
      prepareCall({ ...spec, failWhen: '[' }, Defaults, { index: 4 }, cache)
    ).resolves.toEqual({ problem: expect.stringMatching(/^invalid fail-when '\[': /) })
  })
})
