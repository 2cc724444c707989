import { readFile } from 'node:fs/promises'
import type { ActionRun } from '../scripts/action-runner.mjs'

/** The lines of the results file a many-calls run's `results-file` output names, parsed. */
export async function resultLines(result: ActionRun): Promise<Record<string, unknown>[]> {
  const text = await readFile(result.outputs['results-file'], 'utf8')
  return text
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as Record<string, unknown>)
}
