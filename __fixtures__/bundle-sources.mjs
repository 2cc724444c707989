// @ts-check
/**
 * Jest global setup: bundles the current src/ (unless a bundle of exactly these sources is
 * cached) and points the runner harness at it through E2E_BUNDLE, so end-to-end and fault
 * tests always run what src/ says now, built the way dist/ is built.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle, sourceHash } from '../scripts/bundle.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export default function bundleSources() {
  if (process.env['E2E_BUNDLE']) return
  const outDir = path.join(root, 'node_modules', '.cache', 'd365fo-bundle', sourceHash())
  if (!existsSync(path.join(outDir, 'index.js'))) bundle(outDir)
  process.env['E2E_BUNDLE'] = path.join(outDir, 'index.js')
}
