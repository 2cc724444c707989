import { describe, expect, it } from '@jest/globals'
import { parseTimespan } from '../../src/common/timespan.js'

describe('parseTimespan', () => {
  it.each([
    ['00:00:00', 0],
    ['00:00:01', 1_000],
    ['00:05:00', 300_000],
    ['01:02:03', 3_723_000],
    ['1:00:00', 3_600_000],
    [' 00:00:30 ', 30_000],
    ['23:59:59', 86_399_000]
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseTimespan(text)).toBe(ms)
  })

  it.each(['24:00:00', '00:60:00', '00:00:60', '99:99:99'])(
    'rejects %j, which is out of range',
    text => {
      expect(parseTimespan(text)).toBeUndefined()
    }
  )

  it.each([
    '',
    '5',
    '300',
    '00:05',
    '00:5:00',
    '00:00:5',
    '000:00:00',
    '-1:00:00',
    '00:00:00.5',
    '1.00:00:00',
    'PT5M',
    'aa:bb:cc',
    '00:00:00\n00:00:01',
    '００:０５:００'
  ])('rejects %j, which is not hh:mm:ss', text => {
    expect(parseTimespan(text)).toBeUndefined()
  })
})
