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
  /** The step process's own peak RSS in bytes, with `measurePeakRss`. */
  readonly peakRssBytes: number | undefined
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
  /** Measure the step process's peak RSS (preloads scripts/report-peak-rss.mjs). */
  readonly measurePeakRss?: boolean
}

export const bundlePath: string
export const nodeBinary: string
export function actionDefaults(): Record<string, string>
export function inputVariable(name: string): string
export function runAction(options: RunOptions): Promise<ActionRun>
export function parseOutputFile(text: string): Record<string, string>
export function parseAnnotations(stdout: string): Annotation[]
