/**
 * Inputs the way the runner passes them: one `INPUT_<NAME>` environment variable per input,
 * with action.yml's defaults for those not given. The real `core.getInput` reads them.
 */
import { actionDefaults, inputVariable } from '../scripts/action-runner.mjs'
import { Inputs } from '../src/common/constants.js'

/** An input name as action.yml spells it. */
export type InputName = (typeof Inputs)[keyof typeof Inputs]

/** Every input name of the action. */
export const InputNames: readonly InputName[] = Object.values(Inputs)

/** The defaults action.yml declares, by input name. */
export const ActionDefaults: Readonly<Record<string, string>> = actionDefaults()

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
    if (value !== undefined) process.env[inputVariable(name)] = value
  }
}
