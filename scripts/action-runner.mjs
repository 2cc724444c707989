// @ts-check
/**
 * Runs the bundled action (dist/index.js, or E2E_BUNDLE) in a child process exactly as a GitHub runner does.
 * Shared by the end-to-end tests, the demo and the benchmark (bench/).
 * @module
 */
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { outsidePeakRss, peakRssProbe, readPeakRss } from './peak-rss.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The bundle to run: E2E_BUNDLE (the test suites' fresh bundle of src/) or the committed dist/.
 */
export const bundlePath = process.env['E2E_BUNDLE'] || path.join(root, 'dist', 'index.js')

/** The Node binary for end-to-end runs: E2E_NODE (e.g. Node 24) or the one running now. */
export const nodeBinary = process.env['E2E_NODE'] || process.execPath

/**
 * The platform the e2e Node runs on: E2E_NODE_PLATFORM (`win32` when E2E_NODE is Windows Node
 * under Wine, as `npm run test:windows` sets it), else this process's own platform.
 */
export const actionPlatform = process.env['E2E_NODE_PLATFORM'] || process.platform

/** The `path` functions of the action's platform: what its outputs and messages spell paths with. */
export const actionPath = actionPlatform === 'win32' ? path.win32 : path.posix

/**
 * True when the action runs as Windows Node under Wine on this POSIX machine: Wine shows the
 * machine's root as drive Z:, and cannot hand Node a Linux pipe as stdout (see runIn).
 */
export const underWine = actionPlatform === 'win32' && process.platform !== 'win32'

/**
 * A path of this machine as the action sees it: under Wine `/tmp/x` is `Z:\tmp\x`; elsewhere
 * the same path.
 * @param {string} file
 * @returns {string}
 */
export function toActionPath(file) {
  return underWine ? `Z:${file.replace(/\//g, '\\')}` : file
}

/**
 * A path the action reported (an output, a message), as this machine opens it: the reverse of
 * toActionPath.
 * @param {string} file
 * @returns {string}
 */
export function fromActionPath(file) {
  return underWine && /^z:\\/i.test(file) ? file.slice(2).replace(/\\/g, '/') : file
}

/**
 * Lines as the runner reads a step's stdout: a line ends at LF, CR or CR LF (.NET's ReadLine),
 * so the CR LF that @actions/core writes on Windows ends a line as LF does elsewhere.
 * @param {string} text
 * @returns {string[]}
 */
export function runnerLines(text) {
  return text.split(/\r\n|\r|\n/)
}

/** @type {Record<string, string> | undefined} */
let defaults

/** @type {Promise<string> | undefined} */
let runs

/**
 * One folder for every run of this process, removed when it exits: runs leave their
 * workspace and RUNNER_TEMP for the caller to inspect until then.
 * @returns {Promise<string>}
 */
function runsFolder() {
  runs ??= mkdtemp(path.join(os.tmpdir(), 'd365fo-runs-')).then(folder => {
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }))
    return folder
  })
  return runs
}

/**
 * action.yml's input defaults, as the runner fills them in (read once).
 * @returns {Record<string, string>}
 */
export function actionDefaults() {
  if (!defaults) {
    const action = /** @type {{ inputs: Record<string, { default?: string }> }} */ (
      parse(readFileSync(path.join(root, 'action.yml'), 'utf8'))
    )
    defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? ''])
    )
  }
  return defaults
}

/**
 * The environment variable the runner passes an input in: upper-cased, spaces to _, dashes kept.
 * @param {string} name
 * @returns {string}
 */
export function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Runs dist/index.js as the runner does: INPUT_<NAME> variables (upper-cased, dashes kept),
 * action.yml defaults for inputs not given, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files,
 * RUNNER_TEMP and GITHUB_WORKSPACE, and a clean environment (no proxy or Azure variables leak in).
 *
 * `lean` runs are for measurements (the benchmark): peak RSS is taken from outside the step
 * process where GNU time works, so no probe runs inside what is measured, and the run's folder
 * is removed before this returns, so hundreds of runs (some writing 200 MiB) leave nothing
 * behind to slow the next ones.
 * @param {import('./action-runner.d.mts').RunOptions} options
 * @returns {Promise<import('./action-runner.d.mts').ActionRun>}
 */
export async function runAction(options) {
  const dir = await mkdtemp(path.join(await runsFolder(), 'run-'))
  try {
    return await runIn(dir, options)
  } finally {
    if (options.lean) await rm(dir, { recursive: true, force: true })
  }
}

/**
 * runAction in its own folder.
 * @param {string} dir
 * @param {import('./action-runner.d.mts').RunOptions} options
 * @returns {Promise<import('./action-runner.d.mts').ActionRun>}
 */
async function runIn(dir, options) {
  const workspace = path.join(dir, 'workspace')
  const runnerTemp = path.join(dir, 'runner-temp')
  await Promise.all([mkdir(workspace), mkdir(runnerTemp)])
  const outputPath = path.join(dir, 'github-output')
  const summaryPath = path.join(dir, 'step-summary')
  await Promise.all([writeFile(outputPath, ''), writeFile(summaryPath, '')])

  const inputs = { ...actionDefaults(), ...options.inputs }
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: toActionPath(outputPath),
    GITHUB_WORKSPACE: toActionPath(workspace),
    RUNNER_TEMP: toActionPath(runnerTemp),
    ...(options.noSummary ? {} : { GITHUB_STEP_SUMMARY: toActionPath(summaryPath) }),
    ...options.env
  }
  const peakRssFile = path.join(dir, 'peak-rss')
  /** @type {string[]} */
  let wrapper = []
  const nodeArgs = [...(options.nodeArgs ?? [])]
  // Under Wine, from outside too: Windows Node there reports a figure that is not its own.
  if (options.measurePeakRss && (options.lean || underWine)) {
    const outside = outsidePeakRss(peakRssFile)
    wrapper = outside.wrapper
    nodeArgs.unshift(...outside.nodeArgs)
    Object.assign(env, outside.env)
  } else if (options.measurePeakRss) {
    const probe = peakRssProbe(peakRssFile)
    // A file URL of this machine, as the action's Node resolves it (file:///Z:/… under Wine).
    const importUrl = underWine
      ? probe.importUrl.replace(/^file:\/\/\//, 'file:///Z:/')
      : probe.importUrl
    env['NODE_OPTIONS'] = `--import=${importUrl}`
    env['PEAK_RSS_FILE'] = toActionPath(probe.env.PEAK_RSS_FILE)
  }
  for (const [name, value] of Object.entries(inputs)) {
    env[inputVariable(name)] = value
  }

  const command = [
    ...wrapper,
    options.node ?? nodeBinary,
    ...nodeArgs,
    options.bundle ?? bundlePath
  ]
  // Wine 8 cannot hand a Linux pipe to Windows Node as stdout or stderr (`open EBADF` at the
  // first write), so under Wine they go to files, read once the step has ended. Remove this
  // when `wine node.exe -p 1 | cat` prints 1.
  const files = underWine
    ? await Promise.all(['stdout', 'stderr'].map(name => open(path.join(dir, name), 'w+')))
    : undefined
  const started = performance.now()
  const child = spawn(command[0], command.slice(1), {
    env,
    cwd: workspace,
    stdio: ['ignore', files?.[0].fd ?? 'pipe', files?.[1].fd ?? 'pipe'],
    signal: options.signal
  })
  /** @type {Buffer[]} */
  const stdout = []
  /** @type {Buffer[]} */
  const stderr = []
  child.stdout?.on('data', chunk => stdout.push(chunk))
  child.stderr?.on('data', chunk => stderr.push(chunk))
  // A run that never ends is killed: after 20 s, or 60 s under Wine, where a Windows Node starts
  // and runs several times slower than a native one.
  const killer = setTimeout(
    () => child.kill('SIGKILL'),
    options.killAfterMs ?? (underWine ? 60_000 : 20_000)
  )
  /** @type {number | null} */
  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => resolve(code))
  }).finally(() => clearTimeout(killer))
  const durationMs = performance.now() - started
  if (files) {
    await Promise.all(files.map(file => file.close()))
    ;[stdout[0], stderr[0]] = await Promise.all(
      ['stdout', 'stderr'].map(name => readFile(path.join(dir, name)))
    )
  }

  const outputFile = await readFile(outputPath, 'utf8')
  const out = Buffer.concat(stdout).toString('utf8')
  const outputs = parseOutputFile(outputFile)
  const peakRss = options.measurePeakRss
    ? await readPeakRss(Buffer.concat(stderr).toString('utf8'), peakRssFile)
    : { bytes: undefined, stderr: Buffer.concat(stderr).toString('utf8') }
  return {
    exitCode,
    stdout: out,
    stderr: peakRss.stderr,
    outputs,
    outputFile,
    summary: await readFile(summaryPath, 'utf8'),
    annotations: parseAnnotations(out),
    durationMs,
    workspace,
    runnerTemp,
    peakRssBytes: peakRss.bytes,
    responseFileBytes: await fileSize(
      outputs['response-file'] && fromActionPath(outputs['response-file'])
    )
  }
}

/**
 * @param {string | undefined} file
 * @returns {Promise<number | undefined>} its size, when it is a file that exists
 */
async function fileSize(file) {
  if (!file) return undefined
  return (await stat(file).catch(() => undefined))?.size
}

/**
 * Parses the `name<<DELIMITER\nvalue\nDELIMITER` records @actions/core writes to GITHUB_OUTPUT,
 * as the runner reads them: lines end at LF or CR LF (@actions/core writes os.EOL, CR LF on
 * Windows), and the value is the text between the two lines, without the line end before the
 * delimiter.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  for (const match of text.matchAll(/^([^\r\n<]+)<<(\S+)\r?\n([\s\S]*?)(?:\r?\n)?^\2\r?$/gm))
    outputs[match[1]] = match[3]
  return outputs
}

/**
 * Workflow-command annotations in stdout, with %25/%0D/%0A unescaped.
 * @param {string} stdout
 * @returns {import('./action-runner.d.mts').Annotation[]}
 */
export function parseAnnotations(stdout) {
  /** @type {import('./action-runner.d.mts').Annotation[]} */
  const annotations = []
  for (const line of runnerLines(stdout)) {
    const match = /^::(error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line)
    if (!match) continue
    annotations.push({
      level: match[1],
      message: match[2].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
    })
  }
  return annotations
}
