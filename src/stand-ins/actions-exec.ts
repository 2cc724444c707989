/**
 * Stands in for `@actions/exec` in the bundle (tsconfig.json `paths`, which ncc resolves through).
 *
 * @actions/core imports @actions/exec (and with it @actions/io) only for `core.platform.getDetails()`,
 * which this action never calls; evaluating them cost every run a few milliseconds. Tests run
 * against the real package (jest does not read `paths`); `npm run bundle` fails when the bundle
 * uses a name this file lacks (scripts/stand-ins.mjs reads the bundler's module graph).
 *
 * Upstream: actions/toolkit#1959 (@actions/core pulls in far more than the functions used).
 * Remove this stand-in, and its `paths` entry, when @actions/core imports @actions/exec lazily.
 */
export function getExecOutput(): never {
  throw new Error(
    '@actions/exec is not bundled with this action: core.platform.getDetails() is not available (see src/stand-ins/actions-exec.ts)'
  )
}
