import { describe, expect, it } from '@jest/globals'
import { describeJsonError } from '../../src/common/json-syntax.js'

describe('describeJsonError', () => {
  it.each(['{}', '[1, 2]', '"text"', '42', 'null', ' {"a": {"b": [true]}} '])(
    'accepts %j',
    async text => {
      expect(await describeJsonError(text)).toBeUndefined()
    }
  )

  it.each([
    ['{"a":1,}', 'property name expected at line 1, column 8 (position 7)'],
    ['{"a" 1}', 'colon expected at line 1, column 6 (position 5)'],
    ['[1 2]', 'comma expected at line 1, column 4 (position 3)'],
    ['{"a":1} x', 'invalid symbol at line 1, column 9 (position 8)'],
    ['{"a":1} {}', 'end of file expected at line 1, column 9 (position 8)'],
    ['', 'value expected at line 1, column 1 (position 0)'],
    ['// note\n{}', 'invalid comment token at line 1, column 1 (position 0)']
  ])('locates the error in %j', async (text, expected) => {
    expect(await describeJsonError(text)).toBe(expected)
  })

  it('never quotes the text', async () => {
    expect(await describeJsonError('{"password": hunter2}')).not.toContain('hunter2')
  })

  it('survives nesting deep enough to exhaust a recursive parser', async () => {
    expect(await describeJsonError('['.repeat(200_000))).toMatch(/nested too deeply|expected/)
  })
})
