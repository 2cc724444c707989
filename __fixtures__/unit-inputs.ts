/**
 * Inputs the way the runner passes them: one `INPUT_<NAME>` environment variable per input,
 * with action.yml's defaults for those not given. The real `core.getInput` reads them.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { Inputs } from '../src/constants.js'

/** An input name as action.yml spells it. */
export type InputName = (typeof Inputs)[keyof typeof Inputs]

/** Every input name of the action. */
export const InputNames: readonly InputName[] = Object.values(Inputs)

interface ActionYaml {
  inputs: Record<string, { default?: string }>
}

const actionYaml = parse(
  readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
) as ActionYaml

/** The defaults action.yml declares, by input name. */
export const ActionDefaults: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(actionYaml.inputs).map(([name, spec]) => [name, spec.default ?? ''])
)

function variable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Removes every `INPUT_` variable, as in a process the runner did not start. */
export function clearInputs(): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_')) delete process.env[key]
  }
}

/**
 * Sets the inputs as the runner does: action.yml defaults first (unless `defaults` is false),
 * then `values`. Every other `INPUT_` variable is removed.
 */
export function setInputs(
  values: Partial<Record<InputName, string>>,
  options: { defaults?: boolean } = {}
): void {
  clearInputs()
  const all = { ...(options.defaults === false ? {} : ActionDefaults), ...values }
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) process.env[variable(name)] = value
  }
}
