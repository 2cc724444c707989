import { describe, expect, it } from '@jest/globals'
import { describeFoError, parseFoError } from '../../src/common/fo-error.js'
import { describeHttpFailure } from '../../src/common/failure-message.js'

const ActivityId = '6f1c8a2e-3b4d-4e5f-9a0b-1c2d3e4f5a6b'

describe('parseFoError', () => {
  it("reads the custom-service envelope, dropping F&O's fixed prefix", () => {
    const body = JSON.stringify({
      Message: 'An exception occured when invoking the operation - Customer 4711 does not exist.',
      ExceptionType: 'XppServicesException',
      ActivityId
    })
    expect(parseFoError(body)).toEqual({
      message: 'Customer 4711 does not exist.',
      exceptionType: 'XppServicesException',
      activityId: ActivityId
    })
  })

  it('drops the prefix in the corrected spelling too, and keeps a message without it', () => {
    expect(
      parseFoError('{"Message":"An exception occurred when invoking the operation - x"}')
    ).toEqual({ message: 'x' })
    expect(parseFoError('{"Message":"Value cannot be null."}')).toEqual({
      message: 'Value cannot be null.'
    })
  })

  it('reads the OData error body, preferring the inner message and type', () => {
    const body = JSON.stringify({
      error: {
        code: '',
        message: 'An error has occurred.',
        innererror: {
          message: 'Write failed for table row of type CustCustomerV3Entity.',
          type: 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException',
          stacktrace: '   at …'
        }
      }
    })
    expect(parseFoError(body)).toEqual({
      message: 'Write failed for table row of type CustCustomerV3Entity.',
      exceptionType: 'Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException'
    })
  })

  it('reads an OData error without innererror', () => {
    expect(parseFoError('{"error":{"code":"","message":"No HTTP resource was found."}}')).toEqual({
      message: 'No HTTP resource was found.'
    })
  })

  it.each([
    ['not a GUID', 'not-a-guid'],
    ['a command', '::add-mask::x'],
    ['a number', 42]
  ])('leaves out an ActivityId that is %s', (_, value) => {
    expect(parseFoError(JSON.stringify({ Message: 'm', ActivityId: value }))).toEqual({
      message: 'm'
    })
  })

  it.each(['', 'not json', '<html><title>x</title></html>', '[1,2]', 'null', '"text"'])(
    'gives nothing for %j',
    body => {
      expect(parseFoError(body)).toEqual({})
    }
  )

  it('does not parse a body of more than 64 KiB', () => {
    const body = JSON.stringify({ Message: 'm', padding: 'x'.repeat(64 * 1024) })
    expect(parseFoError(body)).toEqual({})
  })
})

describe('describeFoError', () => {
  it('puts the type and ActivityId after the message', () => {
    expect(
      describeFoError({
        message: 'm',
        exceptionType: 'XppServicesException',
        activityId: ActivityId
      })
    ).toBe(`m (XppServicesException, ActivityId ${ActivityId})`)
    expect(describeFoError({ message: 'm', activityId: ActivityId })).toBe(
      `m (ActivityId ${ActivityId})`
    )
    expect(describeFoError({ message: 'm' })).toBe('m')
    expect(describeFoError({ exceptionType: 'T' })).toBeUndefined()
  })
})

describe('the error line of a failed call', () => {
  it('carries the Message without the prefix, the ExceptionType and the ActivityId', () => {
    const body = JSON.stringify({
      Message: 'An exception occured when invoking the operation - Invalid account number.',
      ExceptionType: 'XppServicesException',
      ActivityId
    })
    expect(describeHttpFailure('POST', 'https://h/api/services/G/S/O', 500, body)).toBe(
      'POST https://h/api/services/G/S/O failed: HTTP 500 Internal Server Error — ' +
        `Invalid account number. (XppServicesException, ActivityId ${ActivityId})`
    )
  })
})
