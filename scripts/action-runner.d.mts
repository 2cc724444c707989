/** One workflow-command annotation the action printed (`::error::…`, `::warning …::…`). */
export interface Annotation {
  readonly level: string
  readonly message: string
}

/** What a runner would see of one step. */
export interface ActionRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  /** Parsed GITHUB_OUTPUT file. */
  readonly outputs: Readonly<Record<string, string>>
  /** Raw GITHUB_OUTPUT file, to scan for secrets. */
  readonly outputFile: string
  /** GITHUB_STEP_SUMMARY contents. */
  readonly summary: string
  readonly annotations: readonly Annotation[]
  readonly durationMs: number
  /** GITHUB_WORKSPACE of the run. */
  readonly workspace: string
  /** RUNNER_TEMP of the run. */
  readonly runnerTemp: string
  /** The step process's own peak RSS in bytes, with `measurePeakRss` (NaN when none was reported). */
  readonly peakRssBytes: number | undefined
  /** Size of the file the `response-file` output names, when it exists after the run. */
  readonly responseFileBytes?: number
}

export interface RunOptions {
  /** Inputs by their action.yml names; the others get action.yml's defaults, as the runner does. */
  readonly inputs: Readonly<Record<string, string>>
  /** Extra environment (e.g. NODE_EXTRA_CA_CERTS, HTTPS_PROXY, ACTIONS_STEP_DEBUG). */
  readonly env?: Readonly<Record<string, string>>
  /** Kill the step after this long (a hung action is a failed test, not a hung suite). */
  readonly killAfterMs?: number
  /** Node binary; default nodeBinary. */
  readonly node?: string
  /** Leave GITHUB_STEP_SUMMARY unset. */
  readonly noSummary?: boolean
  /**
   * Measure the step process's peak RSS: preloads scripts/report-peak-rss.mjs, or, in a `lean`
   * run and under Wine, GNU time from outside the process where it works (see scripts/peak-rss.mjs).
   */
  readonly measurePeakRss?: boolean
  /** The bundle to run; default bundlePath (E2E_BUNDLE, else dist/index.js). */
  readonly bundle?: string
  /** Node options before the bundle, e.g. `--import` of a loader hook. */
  readonly nodeArgs?: readonly string[]
  /** Stops the run: the step process is killed and runAction rejects. */
  readonly signal?: AbortSignal
  /**
   * A measurement run (the benchmark): nothing added inside the measured process, and the run's
   * folder (workspace, RUNNER_TEMP, the response file) removed before runAction returns, so
   * `workspace` and `runnerTemp` then name folders that are gone.
   */
  readonly lean?: boolean
}

export const bundlePath: string
export const nodeBinary: string
/** The platform the e2e Node runs on (`win32` under Wine). */
export const actionPlatform: string
/** The `path` functions of the action's platform. */
export const actionPath: typeof import('node:path').posix
/** True when the action runs as Windows Node under Wine on this POSIX machine. */
export const underWine: boolean
/** A path of this machine as the action sees it (`Z:\\tmp\\x` under Wine). */
export function toActionPath(file: string): string
/** A path the action reported, as this machine opens it. */
export function fromActionPath(file: string): string
/** Lines as the runner reads stdout: a line ends at LF, CR or CR LF. */
export function runnerLines(text: string): string[]
export function actionDefaults(): Record<string, string>
export function inputVariable(name: string): string
export function runAction(options: RunOptions): Promise<ActionRun>
export function parseOutputFile(text: string): Record<string, string>
export function parseAnnotations(stdout: string): Annotation[]
