// @ts-check
/**
 * `npm run local-action [-- <env file>]`: runs src/main.ts with @github/local-action and the inputs
 * in `.env` (copy .env.example), on Node 24, the runners' Node and the development runtime: some of
 * local-action's own dependencies need Node 22 or later, so on an older Node it would install with
 * engine warnings. Exits with local-action's status, which is non-zero when the action fails.
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const LocalAction = '@github/local-action@7.0.1'
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const envFile = process.argv[2] ?? '.env'
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

if (!existsSync(path.resolve(root, envFile))) {
  console.error(`${envFile} not found: copy .env.example to .env and fill it in.`)
  process.exit(2)
}

/** This Node when it is 24 or later, else Node 24 from the npm registry (cached after the first use). */
function node24() {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath
  return execFileSync(
    npm,
    ['exec', '--yes', '--package=node@24', '--', 'node', '-p', 'process.execPath'],
    {
      cwd: root,
      encoding: 'utf8',
      shell: process.platform === 'win32'
    }
  ).trim()
}

const bin = path.dirname(node24())
const result = spawnSync(
  npm,
  ['exec', '--yes', `--package=${LocalAction}`, '--', 'local-action', '.', 'src/main.ts', envFile],
  {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` }
  }
)
process.exit(result.status ?? 1)
