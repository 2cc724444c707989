import { describe, expect, it } from '@jest/globals'
import { parseRunnerCommands } from '../../__fixtures__/runner-commands.js'
import { safeLine } from '../../src/common/safe-line.js'
import {
  flattenLine,
  headOf,
  neutralizeCommands,
  stripControls
} from '../../src/common/untrusted-text.js'

// Text a hostile server may send, in both command syntaxes, at a line start and mid-line.
const hostile = [
  '::add-mask::x',
  '  ::error file=a.ts,line=1::pwned',
  '\t::set-output name=status::200',
  'text ##[add-mask]x',
  '##[warning]pwned',
  '##[stop-commands]t',
  '::stop-commands::t',
  '{"Message":"##[set-output name=status]200"}',
  'a\r::error::after a carriage return',
  'a\u2028::error::after a line separator',
  '\u00a0\u3000::error::after Unicode spaces',
  '#\u0000#[add-mask]joined by a NUL',
  '\u001b[31m::error::after a colour'
]

describe('safeLine', () => {
  it.each(hostile)('leaves nothing the runner would act on in %j', text => {
    const line = safeLine(`GET https://h/x failed: ${text}`)
    expect(line).not.toMatch(/[\r\n]/)
    expect(parseRunnerCommands(line)).toEqual([])
    expect(parseRunnerCommands(safeLine(text))).toEqual([])
  })

  it('keeps ordinary text as it is', () => {
    expect(
      safeLine('POST https://h/api/services/G/S/O failed: HTTP 500 — Customer 4711: not found')
    ).toBe('POST https://h/api/services/G/S/O failed: HTTP 500 — Customer 4711: not found')
  })

  it('escapes the legacy marker as the runner escapes its own, keeping the text readable', () => {
    expect(safeLine('x ##[add-mask]y')).toBe('x ##[\\add-mask]y')
    expect(safeLine('::error::y')).toBe('\\::error::y')
  })

  it('cuts to the limit', () => {
    expect(safeLine('z'.repeat(10_000), 100)).toBe(`${'z'.repeat(99)}…`)
  })

  it('says the text went on when controls shrank a long text below the limit', () => {
    expect(safeLine(`ab${'\u0000'.repeat(10_000)}cd`, 100)).toBe('ab…')
  })

  it('costs little for 10 MiB of controls', () => {
    const started = performance.now()
    expect(safeLine('\u0007'.repeat(10 * 1024 * 1024))).toBe('…')
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('neutralizeCommands', () => {
  it('leaves :: that does not start the line', () => {
    expect(neutralizeCommands('IPv6 [::1] and a::b')).toBe('IPv6 [::1] and a::b')
  })

  it('reads the same when applied twice, so an error line printed again shows ##[\\error] once', () => {
    for (const line of ['x ##[error]y', '::warning::z', '  ::group::##[debug]w']) {
      const once = neutralizeCommands(line)
      expect(once).not.toBe(line)
      expect(neutralizeCommands(once)).toBe(once)
    }
    expect(neutralizeCommands('x ##[error]y')).toBe('x ##[\\error]y')
  })
})

describe('flattenLine', () => {
  it('puts every line break the runner honours on one line', () => {
    expect(flattenLine('a\r\nb\rc\nd\u2028e\tf')).toBe('a b c d e f')
  })
})

describe('stripControls', () => {
  it('removes ANSI sequences whole, bidi controls and C0/C1 controls, keeping \\n and \\t', () => {
    expect(
      stripControls('\u001b[1;31mred\u001b[0m \u202eabc\u202c x\u0000\u0007\u0085\u009b y\n\tz')
    ).toBe('red abc x y\n\tz')
  })

  it('runs in linear time on 256 Ki escape starts (quadratic would take minutes)', () => {
    const started = performance.now()
    stripControls('\u001b['.repeat(256 * 1024))
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

describe('headOf', () => {
  it('cuts without splitting a surrogate pair', () => {
    expect(headOf('ab😀', 3)).toBe('ab')
    expect(headOf('ab😀', 4)).toBe('ab😀')
    expect(headOf('abc', 10)).toBe('abc')
  })
})
