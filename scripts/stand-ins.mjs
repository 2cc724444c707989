// @ts-check
/**
 * Guard rail for the bundle's stand-ins (tsconfig.json `paths`, src/stand-ins/,
 * docs/adr/0002-bundle-stand-ins.md), read from the bundler's own module graph (ncc's webpack
 * stats) after each build: every name the bundle uses from a stand-in must be one it exports,
 * and every stand-in must still be reached (one that no dependency imports any more is to be
 * dropped). Without this, a dependency update that starts using another undici symbol would only
 * warn at build time and fail at run time.
 * @module
 */

/**
 * @typedef {{ name?: string, usedExports?: string[] | boolean | null,
 *   providedExports?: string[] | null, reasons?: { moduleName?: string }[] }} StatsModule
 * @typedef {{ moduleName?: string, message?: string }} StatsWarning
 * @typedef {{ modules?: StatsModule[], warnings?: StatsWarning[], errors?: StatsWarning[] }} Stats
 */

/**
 * What is wrong with the stand-ins in a bundle, one line each; empty when nothing is.
 * @param {Stats} stats webpack stats of the build (`ncc build --stats-out`)
 * @param {Record<string, string>} standIns package name → stand-in path as tsconfig maps it
 * @returns {string[]}
 */
export function standInProblems(stats, standIns) {
  const problems = []
  const modules = stats.modules ?? []
  for (const [pkg, file] of Object.entries(standIns)) {
    const found = modules.find(
      module => module.name === file || module.name?.startsWith(`${file} `)
    )
    if (!found) {
      problems.push(`${file} (for ${pkg}) is no longer in the bundle: drop it and its paths entry`)
      continue
    }
    const provided = new Set(found.providedExports ?? [])
    if (found.usedExports === true || found.usedExports === null) {
      problems.push(`the bundler cannot tell which names of ${file} (for ${pkg}) are used`)
    } else if (Array.isArray(found.usedExports)) {
      for (const name of found.usedExports.filter(name => !provided.has(name))) {
        problems.push(`the bundle uses '${name}' from ${pkg}, which ${file} does not export`)
      }
    }
    for (const warning of [...(stats.warnings ?? []), ...(stats.errors ?? [])]) {
      const message = warning.message ?? ''
      if (message.includes(`was not found in '${pkg}'`)) {
        problems.push(`${warning.moduleName ?? 'a module'}: ${message.split('\n')[0]}`)
      }
    }
  }
  return problems
}

/**
 * Throws, listing every problem, when the bundle's stand-ins do not cover what it uses.
 * @param {Stats} stats
 * @param {Record<string, string>} standIns
 */
export function assertStandInsCover(stats, standIns) {
  const problems = standInProblems(stats, standIns)
  if (problems.length > 0) {
    throw new Error(
      `A stand-in no longer covers what the bundle uses; add the export or drop the stand-in:\n  ${problems.join('\n  ')}`
    )
  }
}
