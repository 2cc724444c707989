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
    expect(() => parseOptions(['--second-node='])).toThrow('--second-node= needs a path')
  })
})
