// @ts-check
/**
 * Which files of the bundle each path loads (loader hooks log every module a run loads), and
 * what dist/index.js holds: MSAL must be a chunk the token path never loads, and the packages
 * only some runs need (or none reaches) must stay out of index.js.
 * @module
 */
import path from 'node:path'
import {
  inspectBundle,
  moduleLog,
  OnDemandPackages,
  UnreachedPackages
} from '../bundle-contents.mjs'

/**
 * @typedef {object} LazyResult
 * @property {string[]} tokenLoads Files of the bundle's folder the token path loads.
 * @property {string[]} secretLoads Files the client-secret path loads.
 * @property {string[]} msalChunks
 * @property {boolean} tokenPathLoadsMsal MSAL's code runs on the token path (a chunk or index.js).
 * @property {boolean} secretPathLoadsMsal The control: the client-secret path loads the MSAL chunk.
 * @property {string[]} unreachedInIndex
 * @property {string[]} onDemandInIndex
 */

/**
 * @param {import('../session.mjs').Session} session
 * @param {string} label
 * @param {Record<string, string>} inputs
 */
async function loadedFiles(session, label, inputs) {
  const log = await moduleLog()
  await session.action(`${label} (module log)`, inputs, { nodeArgs: log.nodeArgs, env: log.env })
  return log.loadedFrom(session.options.distDir)
}

/** @type {import('./index.mjs').Scenario<LazyResult>} */
export const lazyLoading = {
  id: 'lazy-loading',
  method: () => [
    'Lazy loading: one run per path with `node --import bench/module-log.mjs`, whose loader hooks log',
    "  every module the process loads; the MSAL chunk is the chunk of dist/ that holds MSAL's",
    '  `x-client-SKU` header name.'
  ],
  async run(session) {
    const contents = await inspectBundle(session.options.bundle)
    const tokenLoads = await loadedFiles(session, 'token', session.tokenInputs)
    const secretLoads = await loadedFiles(session, 'secret', session.secretInputs)
    const index = path.basename(session.options.bundle)
    return {
      tokenLoads,
      secretLoads,
      msalChunks: contents.msalChunks,
      tokenPathLoadsMsal:
        contents.msalInIndex || tokenLoads.length !== 1 || tokenLoads[0] !== index,
      secretPathLoadsMsal:
        contents.msalChunks.length > 0 && contents.msalChunks.every(c => secretLoads.includes(c)),
      unreachedInIndex: contents.unreachedInIndex,
      onDemandInIndex: contents.onDemandInIndex
    }
  },
  rows: result => [
    {
      measure: 'token path loads the MSAL chunk',
      value: result.tokenPathLoadsMsal ? 'yes' : 'no',
      range: `loads ${result.tokenLoads.join(', ')}`,
      target: 'token-path-msal'
    },
    {
      measure: 'client-secret path loads the MSAL chunk (control)',
      value: result.secretPathLoadsMsal ? 'yes' : 'no',
      range: `loads ${result.secretLoads.join(', ')}`,
      target: 'secret-path-msal'
    },
    {
      measure: `dist/index.js holds ${UnreachedPackages.map(pkg => pkg.name).join(', ')}`,
      value: result.unreachedInIndex.join(', ') || 'none',
      range: 'code no path reaches (src/stand-ins/)',
      target: 'unreached-in-index'
    },
    {
      measure: `dist/index.js holds ${OnDemandPackages.map(pkg => pkg.name).join(', ')}`,
      value: result.onDemandInIndex.join(', ') || 'none',
      range: 'loaded with import() only when needed',
      target: 'on-demand-in-index'
    }
  ]
}
