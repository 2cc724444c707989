import { describe, expect, it } from '@jest/globals'
import { createFoldedLog } from '../../src/many/folded-log.js'

describe('createFoldedLog', () => {
  it('writes the first of identical lines at once and their repeats as one line with a count', () => {
    const lines: string[] = []
    const log = createFoldedLog(line => lines.push(line))
    for (let i = 0; i < 5; i++) log.info('HTTP 429: every call waits 2 s')
    log.info('Throttled again: 2 calls in flight at most (was 4)')
    log.info('HTTP 429: every call waits 2 s')
    log.info('HTTP 429: every call waits 2 s')
    log.flush()
    expect(lines).toEqual([
      'HTTP 429: every call waits 2 s',
      'HTTP 429: every call waits 2 s (×4 more in a row)',
      'Throttled again: 2 calls in flight at most (was 4)',
      'HTTP 429: every call waits 2 s',
      'HTTP 429: every call waits 2 s (×1 more in a row)'
    ])
  })

  it('adds nothing for lines that do not repeat', () => {
    const lines: string[] = []
    const log = createFoldedLog(line => lines.push(line))
    log.info('a')
    log.info('b')
    log.flush()
    log.info('b')
    expect(lines).toEqual(['a', 'b', 'b'])
  })
})
