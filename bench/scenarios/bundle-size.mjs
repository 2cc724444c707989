// @ts-check
/**
 * The size of every file of the bundle's folder, and which runs load it.
 * @module
 */
import path from 'node:path'
import { inspectBundle } from '../bundle-contents.mjs'
import { formatBytes } from '../report.mjs'

/**
 * @typedef {object} BundleSizeResult
 * @property {{ name: string, bytes: number, role: string }[]} files
 */

/** @type {import('./index.mjs').Scenario<BundleSizeResult>} */
export const bundleSize = {
  id: 'bundle-size',
  method: () => [],
  async run(session) {
    const contents = await inspectBundle(session.options.bundle)
    const index = path.basename(session.options.bundle)
    /** @param {string} name */
    const role = name => {
      const onDemand = contents.onDemandChunks[name]
      if (name === index) return 'loaded by every run'
      if (contents.msalChunks.includes(name)) return 'MSAL: loaded to acquire a token'
      if (onDemand) return `${onDemand.name}: loaded for ${onDemand.use}`
      return name.endsWith('.js') ? 'loaded to acquire a token' : ''
    }
    return { files: contents.files.map(file => ({ ...file, role: role(file.name) })) }
  },
  rows: result => [
    ...result.files.map(file => ({
      measure: `dist/${file.name}`,
      value: formatBytes(file.bytes),
      range: file.role
    })),
    {
      measure: 'dist/ total',
      value: formatBytes(result.files.reduce((sum, file) => sum + file.bytes, 0))
    }
  ]
}
