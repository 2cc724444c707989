import { describe, expect, it } from '@jest/globals'
import { boundedMemo } from '../../src/common/bounded-memo.js'

describe('boundedMemo', () => {
  it('computes each key once, and again only after it was forgotten as the oldest', async () => {
    const computed: string[] = []
    const memo = boundedMemo(async (key: string) => {
      computed.push(key)
      return key.length
    }, 2)

    expect(await memo('a')).toBe(1)
    expect(await memo('bb')).toBe(2)
    expect(await memo('a')).toBe(1)
    expect(computed).toEqual(['a', 'bb'])
    await memo('ccc') // forgets 'a', the oldest
    await memo('bb')
    await memo('a')
    expect(computed).toEqual(['a', 'bb', 'ccc', 'a'])
  })

  it('remembers an undefined result too', async () => {
    let calls = 0
    const memo = boundedMemo(async () => {
      calls++
      return undefined
    })
    await memo('x')
    await memo('x')
    expect(calls).toBe(1)
  })
})
