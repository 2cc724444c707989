import { describe, expect, it } from '@jest/globals'
import { elapsedSeconds, parseTimespan, wholeSeconds } from '../../src/common/timespan.js'

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

describe('wholeSeconds', () => {
  it.each([
    [0, '0 s'],
    [1, '1 s'],
    [1_000, '1 s'],
    [1_001, '2 s'],
    [59_500, '60 s']
  ])('writes %d ms as %j, rounded up so a real wait never reads 0 s', (ms, text) => {
    expect(wholeSeconds(ms)).toBe(text)
  })
})

describe('elapsedSeconds', () => {
  it.each([
    [0, '0.0 s'],
    [1_540, '1.5 s'],
    [9_949, '9.9 s'],
    [10_000, '10 s'],
    [42_499, '42 s'],
    [42_500, '43 s']
  ])('writes %d ms as %j: tenths under 10 s, whole seconds from there', (ms, text) => {
    expect(elapsedSeconds(ms)).toBe(text)
  })
})
