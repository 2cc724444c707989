// @ts-check
/**
 * Guard rail for the bundle's stand-ins (tsconfig.json `paths`, src/stand-ins/): before ncc runs,
 * every name that an installed dependency imports from a replaced package must be exported by
 * its stand-in. Without this, a dependency update that starts using another undici symbol would
 * only warn at build time and fail at run time.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'jsonc-parser'

/**
 * The names a module's source imports from `pkg`: named imports, namespace members
 * (`ns.Name`) and CommonJS members (`pkg_1.Name`, destructured requires).
 * @param {string} source
 * @param {string} pkg
 * @returns {Set<string>}
 */
export function importedNames(source, pkg) {
  const names = new Set()
  const quoted = `['"]${pkg.replace(/[/.@-]/g, c => `\\${c}`)}['"]`
  const add = (/** @type {string} */ list) => {
    for (const part of list.split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+|\s*:\s*/)[0]
        ?.trim()
      if (name && /^\w+$/.test(name) && name !== 'default') names.add(name)
    }
  }
  for (const m of source.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*${quoted}`, 'g')))
    add(m[1] ?? '')
  for (const m of source.matchAll(
    new RegExp(`(?:const|let|var)\\s*\\{([^}]*)\\}\\s*=\\s*require\\(\\s*${quoted}\\s*\\)`, 'g')
  ))
    add(m[1] ?? '')
  const namespaces = [
    ...source.matchAll(new RegExp(`import\\s*\\*\\s*as\\s+(\\w+)\\s+from\\s*${quoted}`, 'g')),
    ...source.matchAll(
      new RegExp(
        `(?:const|let|var)\\s+(\\w+)\\s*=\\s*(?:__importStar\\()?require\\(\\s*${quoted}\\s*\\)`,
        'g'
      )
    )
  ].map(m => m[1])
  for (const ns of namespaces) {
    for (const m of source.matchAll(new RegExp(`\\b${ns}\\.(\\w+)`, 'g'))) names.add(m[1] ?? '')
  }
  return names
}

/**
 * The names a stand-in module exports (`export function|class|const|let|var Name`).
 * @param {string} source
 * @returns {Set<string>}
 */
export function exportedNames(source) {
  return new Set(
    [
      ...source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|class|const|let|var)\s+(\w+)/gm)
    ].map(m => m[1] ?? '')
  )
}

/** @param {string} dir @returns {string[]} */
function javascriptFiles(dir) {
  // A package's own nested node_modules are lock-file entries of their own.
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(
      entry =>
        entry.isFile() &&
        /\.(?:m|c)?js$/.test(entry.name) &&
        !path.relative(dir, entry.parentPath).split(path.sep).includes('node_modules')
    )
    .map(entry => path.join(entry.parentPath, entry.name))
}

/**
 * Checks every stand-in against the installed dependencies; returns one line per missing export.
 * @param {string} root the repository root
 * @returns {string[]}
 */
export function missingStandInExports(root) {
  const tsconfig = parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'))
  /** @type {Record<string, string[]>} */
  const paths = tsconfig.compilerOptions?.paths ?? {}
  // Every installed package the action can bundle: the lock file's non-dev entries.
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'))
  /** @type {Record<string, { dev?: boolean }>} */
  const packages = lock.packages ?? {}
  const sources = Object.entries(packages)
    .filter(([location, entry]) => location.startsWith('node_modules/') && !entry.dev)
    .flatMap(([location]) => javascriptFiles(path.join(root, location)))
  const problems = []
  for (const [replaced, [standIn]] of Object.entries(paths)) {
    if (!standIn) continue
    const exported = exportedNames(readFileSync(path.join(root, standIn), 'utf8'))
    for (const file of sources) {
      const text = readFileSync(file, 'utf8')
      if (!text.includes(replaced)) continue
      for (const name of importedNames(text, replaced)) {
        if (!exported.has(name)) {
          problems.push(
            `${path.relative(root, file)} imports '${name}' from '${replaced}', which ${standIn} does not export`
          )
        }
      }
    }
  }
  return problems
}

/**
 * Throws, listing every problem, when a stand-in lacks a name the bundled code imports.
 * @param {string} root the repository root
 */
export function assertStandInsComplete(root) {
  const problems = missingStandInExports(root)
  if (problems.length > 0) {
    throw new Error(
      `A stand-in no longer covers what the dependencies import; add the export or drop the stand-in:\n  ${problems.join('\n  ')}`
    )
  }
}
