// @ts-check
/**
 * Bundles src/ with ncc into a folder that is emptied first, so no stale chunk survives.
 * `npm run bundle` writes dist/; the test suites bundle the current sources into a cache
 * folder keyed by their hash (see sourceHash), so end-to-end tests never run a stale build.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'jsonc-parser'
import { assertStandInsCover } from './stand-ins.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Everything the bundle is built from: the sources, the lock file and the build settings. */
function bundleInputs() {
  const files = readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(root, path.join(entry.parentPath, entry.name)))
  return [
    ...files,
    'package-lock.json',
    'package.json',
    'tsconfig.json',
    'scripts/bundle.mjs'
  ].sort()
}

/**
 * A hash of every file the bundle is built from.
 * @returns {string}
 */
export function sourceHash() {
  const hash = createHash('sha256')
  for (const file of bundleInputs()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(root, file)))
      .update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

/**
 * Empties `outDir`, bundles src/index.ts into it and checks the stand-ins against the bundler's
 * module graph; throws when either fails.
 * @param {string} outDir
 */
export function bundle(outDir) {
  rmSync(outDir, { recursive: true, force: true })
  const statsDir = mkdtempSync(path.join(os.tmpdir(), 'd365fo-bundle-stats-'))
  try {
    const stats = path.join(statsDir, 'stats.json')
    const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
    const args = ['build', 'src/index.ts', '--out', outDir, '--license', 'licenses.txt']
    const result = spawnSync(
      process.execPath,
      [ncc, ...args, '--target', 'es2022', '--minify', '--stats-out', stats],
      { cwd: root, stdio: 'inherit' }
    )
    if (result.status !== 0)
      throw new Error(`ncc failed (exit ${result.status}) bundling into ${outDir}`)
    try {
      assertStandInsCover(JSON.parse(readFileSync(stats, 'utf8')), standIns())
    } catch (error) {
      // A bundle that failed the check must not be found and reused by the next test run.
      rmSync(outDir, { recursive: true, force: true })
      throw error
    }
  } finally {
    rmSync(statsDir, { recursive: true, force: true })
  }
}

/** Package name → stand-in, as tsconfig.json `paths` maps them for ncc. */
function standIns() {
  const tsconfig = parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'))
  /** @type {Record<string, string[]>} */
  const paths = tsconfig.compilerOptions?.paths ?? {}
  return Object.fromEntries(
    Object.entries(paths).flatMap(([pkg, [file]]) => (file ? [[pkg, file]] : []))
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bundle(path.resolve(root, process.argv[2] ?? 'dist'))
}
