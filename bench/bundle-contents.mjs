// @ts-check
/**
 * What a bundle (dist/ or a test bundle of src/) holds and which of its files a run loads.
 * Each package is told by a string only its code spells. Shared by the benchmark (which reports
 * it) and __tests__/bench/bundle-chunks.test.ts (which asserts it).
 * @module
 */
import { mkdtemp, readFile, readdir, realpath, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

/** MSAL's code: a header name only MSAL spells. */
export const MsalMarker = 'x-client-SKU'

/**
 * Packages src/ loads with import() only when a run needs them: iconv-lite for a
 * payload-charset other than UTF-8, jsonc-parser to locate the error in an invalid payload,
 * JMESPath for an outcome check or `until`, the YAML parser for `calls` written in YAML,
 * jsonwebtoken (which MSAL imports, src/stand-ins/jsonwebtoken.ts) to sign a certificate's
 * client assertion.
 */
export const OnDemandPackages = [
  {
    name: 'iconv-lite',
    marker: 'Encoding not recognized',
    use: 'a payload-charset other than UTF-8'
  },
  { name: 'jsonc-parser', marker: 'PropertyNameExpected', use: 'an invalid payload' },
  {
    name: '@jmespath-community/jmespath',
    marker: 'Unknown function: ',
    use: 'success-when, fail-when or until'
  },
  { name: 'yaml', marker: 'YAMLParseError', use: 'calls written in YAML' },
  { name: 'jsonwebtoken', marker: 'JsonWebTokenError', use: 'a certificate sign-in' }
]

/** Dependencies of dependencies that no code path of the action reaches (src/stand-ins/). */
export const UnreachedPackages = [
  { name: 'undici', marker: 'llhttp' },
  { name: '@actions/exec', marker: 'toolPath must not be empty' },
  { name: '@actions/io', marker: 'rmRF' }
]

/**
 * @typedef {object} BundleContents
 * @property {string} dir
 * @property {{ name: string, bytes: number }[]} files Every file of the folder, by name.
 * @property {string[]} msalChunks The chunks (not index.js) that hold MSAL.
 * @property {Record<string, (typeof OnDemandPackages)[number]>} onDemandChunks Chunk → the package it holds.
 * @property {boolean} msalInIndex
 * @property {string[]} onDemandInIndex Packages of OnDemandPackages that index.js holds.
 * @property {string[]} unreachedInIndex Packages of UnreachedPackages that index.js holds.
 */

/**
 * Reads the bundle's folder.
 * @param {string} bundle Path of its index.js.
 * @returns {Promise<BundleContents>}
 */
export async function inspectBundle(bundle) {
  const dir = path.dirname(bundle)
  const names = (await readdir(dir)).sort()
  const files = await Promise.all(
    names.map(async name => ({ name, bytes: (await stat(path.join(dir, name))).size }))
  )
  /** @type {string[]} */
  const msalChunks = []
  /** @type {BundleContents['onDemandChunks']} */
  const onDemandChunks = {}
  for (const name of names.filter(n => n.endsWith('.js') && n !== path.basename(bundle))) {
    const source = await readFile(path.join(dir, name), 'utf8')
    if (source.includes(MsalMarker)) msalChunks.push(name)
    for (const pkg of OnDemandPackages) if (source.includes(pkg.marker)) onDemandChunks[name] = pkg
  }
  const index = await readFile(bundle, 'utf8')
  return {
    dir,
    files,
    msalChunks,
    onDemandChunks,
    msalInIndex: index.includes(MsalMarker),
    onDemandInIndex: OnDemandPackages.filter(p => index.includes(p.marker)).map(p => p.name),
    unreachedInIndex: UnreachedPackages.filter(p => index.includes(p.marker)).map(p => p.name)
  }
}

/**
 * A log of the modules a run loads: pass `nodeArgs` and `env` to the run (they preload
 * bench/module-log.mjs, whose loader hooks append each module's URL), then read which files of
 * the bundle's folder it loaded.
 * @returns {Promise<{ nodeArgs: string[], env: Record<string, string>, loadedFrom: (dir: string) => Promise<string[]> }>}
 */
export async function moduleLog() {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-modules-'))
  const file = path.join(folder, 'modules.log')
  return {
    nodeArgs: ['--import', pathToFileURL(path.join(here, 'module-log.mjs')).href],
    env: { BENCH_MODULE_LOG: file },
    async loadedFrom(dir) {
      // Node loads a module by its real path (the test bundle sits behind node_modules, a link).
      const prefix = pathToFileURL(await realpath(dir)).href + '/'
      const urls = (await readFile(file, 'utf8').catch(() => ''))
        .split('\n')
        .filter(url => url.startsWith(prefix))
      await rm(folder, { recursive: true, force: true })
      return [...new Set(urls.map(url => url.slice(prefix.length)))].sort()
    }
  }
}
