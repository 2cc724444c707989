// @ts-check
/**
 * The command line of `npm run bench`: which bundle and Node binary to measure, how many runs
 * (full or --quick), and whether to write BENCHMARKS.md (--write).
 * @module
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeBinary } from '../scripts/action-runner.mjs'

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** The shipped build, measured unless --bundle= names another. */
export const distBundle = path.join(root, 'dist', 'index.js')
/** Scratch files and the reports that must not land in the repository (git-ignored). */
export const scratch = path.join(root, '.bench-tmp')

const MiB = 1024 * 1024

/**
 * How many runs each scenario makes.
 * @typedef {object} Plan
 * @property {number} warmup Unmeasured pairs before the paired scenarios' iterations.
 * @property {number} iterations Measured floor/call pairs (and RSS runs) per paired scenario.
 * @property {number} throttled Runs of the 429 scenario.
 * @property {number} large Measured 1 KiB / large-body pairs (after one warm-up pair).
 * @property {number} largeBytes The large body.
 * @property {number} plateau Runs with a tenth of the large body (0: none).
 * @property {number} cloudRuns Runs per known cloud.
 * @property {number} throttledCalls Calls of the many-calls step against the throttled simulator.
 * @property {number} smokeRuns One-step / twenty-steps pairs of the smoke suite.
 * @property {number} callsFileLines The long calls-file of the memory scenario.
 * @property {number} memoryRuns Short / long calls-file pairs.
 * @property {number} latency Measured iterations per round-trip time and Node binary (after
 *   `warmup`), each running every floor and call once.
 * @property {number} polls Runs of the 10-round poll.
 */

/** @type {Readonly<Record<'quick' | 'full', Plan>>} */
export const Plans = {
  // Proves the benchmark works (CI runs it); too few runs for the figures to mean anything.
  quick: {
    warmup: 1,
    iterations: 3,
    throttled: 1,
    large: 3,
    largeBytes: 20 * MiB,
    plateau: 0,
    cloudRuns: 1,
    throttledCalls: 150,
    smokeRuns: 1,
    callsFileLines: 10_000,
    memoryRuns: 1,
    latency: 2,
    polls: 1
  },
  full: {
    warmup: 3,
    iterations: 21,
    throttled: 3,
    large: 15,
    largeBytes: 200 * MiB,
    plateau: 15,
    cloudRuns: 2,
    throttledCalls: 500,
    smokeRuns: 3,
    callsFileLines: 100_000,
    memoryRuns: 3,
    latency: 15,
    polls: 3
  }
}

/**
 * @typedef {object} Options
 * @property {boolean} quick
 * @property {Plan} plan
 * @property {string} node The Node binary the action and the floor run under (the headline:
 *   the runners' Node 24).
 * @property {string | undefined} secondNode Another Node binary the latency scenario also
 *   measures (the second column): --second-node=, else the Node running the benchmark when
 *   --node= names another version.
 * @property {string} bundle The bundle measured (dist/index.js unless --bundle=).
 * @property {string} distDir The bundle's folder: its chunks and files are reported.
 * @property {string[] | undefined} only The scenarios --only= names (all when undefined).
 * @property {string | undefined} reportPath Where --write puts the Markdown report.
 */

const Usage =
  'Usage: npm run bench [-- --quick] [-- --write] [-- --only=<scenario,...>] [-- --node=<path>] [-- --second-node=<path>] [-- --bundle=<path>]'

/**
 * Reads the command line. The Node binary is --node=<path>, else E2E_NODE (as for the end-to-end
 * tests), else the one running this. --write writes BENCHMARKS.md for a full run of every scenario
 * of dist/, and under .bench-tmp/ for --quick, --only or another --bundle (figures that must not
 * be committed).
 * @param {readonly string[]} args process.argv without node and the script.
 * @param {readonly string[]} [scenarioIds] The scenarios --only= may name.
 * @returns {Options}
 */
export function parseOptions(args, scenarioIds = []) {
  /** @param {string} name */
  const valueOf = name => {
    const arg = args.find(a => a.startsWith(`--${name}=`))
    const value = arg?.slice(name.length + 3)
    if (arg !== undefined && !value) throw new Error(`--${name}= needs a value. ${Usage}`)
    return value
  }
  const known = /^--(quick|write|only=.*|node=.*|second-node=.*|bundle=.*)$/
  const unknown = args.filter(arg => !known.test(arg))
  if (unknown.length) throw new Error(`Unknown argument ${unknown.join(', ')}. ${Usage}`)

  const quick = args.includes('--quick')
  const bundle = path.resolve(valueOf('bundle') ?? distBundle)
  const only = valueOf('only')?.split(',')
  const unknownScenarios = only?.filter(id => !scenarioIds.includes(id)) ?? []
  if (unknownScenarios.length)
    throw new Error(
      `Unknown scenario ${unknownScenarios.join(', ')}: --only= takes ${scenarioIds.join(', ')}.`
    )
  const shipped = bundle === distBundle && !quick && !only
  const partial = quick ? 'quick' : only ? 'only' : 'other-bundle'
  const reportPath = !args.includes('--write')
    ? undefined
    : shipped
      ? path.join(root, 'BENCHMARKS.md')
      : path.join(scratch, `BENCHMARKS.${partial}.md`)
  const node = valueOf('node') ?? nodeBinary
  return {
    quick,
    plan: quick ? Plans.quick : Plans.full,
    node,
    secondNode: valueOf('second-node') ?? otherVersion(process.execPath, node),
    bundle,
    distDir: path.dirname(bundle),
    only,
    reportPath
  }
}

/**
 * `candidate` when it is another Node version than `node`, else undefined.
 * @param {string} candidate
 * @param {string} node
 * @returns {string | undefined}
 */
function otherVersion(candidate, node) {
  const version = (/** @type {string} */ binary) =>
    spawnSync(binary, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()
  return version(candidate) === version(node) ? undefined : candidate
}
