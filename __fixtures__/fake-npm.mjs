// @ts-check
/**
 * Stands in for npm's CLI (as `npm_execpath`) in the demo test, so a "fresh clone" can be tried
 * offline: `ci` links FAKE_NPM_NODE_MODULES as ./node_modules, or exits with FAKE_NPM_EXIT.
 * @module
 */
import { symlinkSync } from 'node:fs'
import path from 'node:path'

const exit = Number(process.env['FAKE_NPM_EXIT'] ?? '0')
if (process.argv[2] !== 'ci') {
  console.error(`fake npm: only 'ci' is supported, not ${process.argv.slice(2).join(' ')}`)
  process.exit(2)
}
if (exit !== 0) {
  console.error('npm error fake failure')
  process.exit(exit)
}
const target = process.env['FAKE_NPM_NODE_MODULES']
if (!target) throw new Error('FAKE_NPM_NODE_MODULES is not set')
// A junction needs no privilege on Windows; elsewhere the type is ignored.
symlinkSync(target, path.join(process.cwd(), 'node_modules'), 'junction')
console.log('added 0 packages (fake npm ci)')
