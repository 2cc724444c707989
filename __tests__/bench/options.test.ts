import { describe, expect, it } from '@jest/globals'
import { parseOptions } from '../../bench/options.mjs'

// The latency table's second column: another Node binary, named or implied.
describe('the benchmark command line', () => {
  it('takes a second Node binary with --second-node=', () => {
    const options = parseOptions(['--quick', '--second-node=/opt/node20/bin/node'])
    expect(options.secondNode).toBe('/opt/node20/bin/node')
    expect(options.node).toBe(process.env['E2E_NODE'] || process.execPath)
  })

  it('has no second Node when --node= is the same version as the one running the benchmark', () => {
    expect(parseOptions(['--quick', `--node=${process.execPath}`]).secondNode).toBeUndefined()
  })

  it('refuses an unknown argument and an empty path', () => {
    expect(() => parseOptions(['--nodes=x'])).toThrow('Unknown argument --nodes=x')
    expect(() => parseOptions(['--second-node='])).toThrow('--second-node= needs a value')
  })
})

describe('--only=', () => {
  const ids = ['token-call', 'latency', 'poll']

  it('names the scenarios to run, and a report of them never overwrites BENCHMARKS.md', () => {
    const options = parseOptions(['--only=latency,poll', '--write'], ids)
    expect(options.only).toEqual(['latency', 'poll'])
    expect(options.reportPath).toMatch(/\.bench-tmp[\\/]BENCHMARKS\.only\.md$/)
  })

  it('runs every scenario without it', () => {
    expect(parseOptions([], ids).only).toBeUndefined()
  })

  it('refuses a scenario that does not exist, naming those that do', () => {
    expect(() => parseOptions(['--only=latancy'], ids)).toThrow(
      'Unknown scenario latancy: --only= takes token-call, latency, poll.'
    )
  })
})
