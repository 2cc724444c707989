import { expect } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { fromActionPath, type ActionRun } from '../scripts/action-runner.mjs'

/** The `::error::` lines of a run. */
export function errors(run: ActionRun): string[] {
  return run.annotations.filter(a => a.level === 'error').map(a => a.message)
}

/** The messages of the run's `::warning::` lines. */
export function warnings(run: ActionRun): string[] {
  return run.annotations.filter(a => a.level === 'warning').map(a => a.message)
}

/**
 * Asserts the step failed with exactly one `::error::` line, matching `cause`, and that the
 * `error` output holds the same line. Returns the line.
 */
export function expectFailure(run: ActionRun, cause: RegExp): string {
  expect(errors(run)).toEqual([expect.stringMatching(cause)])
  expect(run.exitCode).toBe(1)
  expect(run.outputs['error']).toBe(errors(run)[0])
  return errors(run)[0]
}

/** Asserts the outputs a later step branches on: `status` ('' when no answer came) and `attempts`. */
export function expectOutputs(
  run: ActionRun,
  expected: { status: string; attempts: string }
): void {
  expect({ status: run.outputs['status'], attempts: run.outputs['attempts'] }).toEqual(expected)
  expect(run.outputs['elapsed-ms']).toMatch(/^\d+$/)
}

/**
 * The log modes a representative subset of faults runs in. @actions/core prints `::debug::` lines
 * either way (the runner hides them); with step debug logging on, the runner also sets
 * RUNNER_DEBUG=1, which `core.isDebug()` reads, so code that logs more when debugging is covered.
 */
export const logModes: readonly { mode: string; env: Readonly<Record<string, string>> }[] = [
  { mode: 'plain log', env: {} },
  { mode: 'ACTIONS_STEP_DEBUG', env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } }
]

/** The lines of the results file a many-calls run's `results-file` output names, parsed. */
export async function readResults(run: ActionRun): Promise<Record<string, unknown>[]> {
  const text = await readFile(fromActionPath(run.outputs['results-file'] ?? ''), 'utf8')
  return text
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as Record<string, unknown>)
}
