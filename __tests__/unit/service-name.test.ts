import { describe, expect, it } from '@jest/globals'
import { parseServiceName } from '../../src/common/service-name.js'

describe('parseServiceName', () => {
  it.each([
    ['UserSessionService', ['UserSessionService']],
    ['UserSessionService/AifUserSessionService', ['UserSessionService', 'AifUserSessionService']],
    [
      'UserSessionService/AifUserSessionService/GetUserSessionInfo',
      ['UserSessionService', 'AifUserSessionService', 'GetUserSessionInfo']
    ],
    ['My_Group1/Svc_2/op_3', ['My_Group1', 'Svc_2', 'op_3']],
    [' G/S/O ', ['G', 'S', 'O']]
  ])('splits %j into its AOT names', (text, segments) => {
    expect(parseServiceName(text)).toEqual(segments)
  })

  it.each([
    ['', 'empty'],
    ['G/S/O/X', 'four segments'],
    ['G//O', 'an empty segment'],
    ['/G/S', 'a leading slash'],
    ['G/S/', 'a trailing slash'],
    ['G/../O', 'a parent segment'],
    ['G/S/..', 'a parent segment at the end'],
    ['G/S.x/O', 'a dot'],
    ['G/S/O?x=1', 'a query'],
    ['G/S/O#x', 'a fragment'],
    ['G%2FS/O', 'an encoded slash'],
    ['G/%2e%2e/O', 'an encoded parent segment'],
    ['G\\S\\O', 'backslashes'],
    ['G/S/Get Info', 'a space'],
    ['G/S/O\r\nX: y', 'CR/LF'],
    ['G/S/O\tX', 'a tab inside the name'],
    ['G/S/\u0410pi', 'a Cyrillic А'],
    ['G\uff0fS\uff0fO', 'fullwidth solidus'],
    ['G\u2215S/O', 'division slash'],
    ['G/S/Ｏp', 'a fullwidth letter'],
    ['G/S/Op\u200b', 'a zero-width space'],
    ['G/S/Opé', 'an accented letter']
  ])('rejects %j (%s)', text => {
    expect(parseServiceName(text)).toBeUndefined()
  })
})
