import * as core from '@actions/core'
import { EnvDefaults, Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import type { SettingSource } from './settings.js'

/** The name of one of the action's inputs (action.yml). */
export type InputName = (typeof Inputs)[keyof typeof Inputs]

/** The environment the inputs fall back to and resolve paths against. */
export type Environment = Readonly<Record<string, string | undefined>>

/** An input that falls back to an environment variable (EnvDefaults) when it is empty. */
export type WithDefault = (name: keyof typeof EnvDefaults) => string

/** Reads one input; with `booleanInput`, the single place the action calls core.getInput. */
export function input(name: InputName): string {
  return core.getInput(name)
}

/** `true` or `false` as the runner spells them (`True`, `FALSE`, …); `fallback` when empty. */
export function booleanInput(name: InputName, fallback: boolean): boolean {
  if (!input(name)) return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new InputError(
      name,
      `Invalid ${name} '${input(name).slice(0, 40)}'. Expected true or false.`
    )
  }
}

/**
 * Reads inputs that fall back to their environment variable, noting in `sources` where each
 * value came from: the input, the environment, or neither (the default).
 */
export function readingWithDefaults(
  env: Environment,
  sources: Record<string, SettingSource>
): WithDefault {
  return name => {
    const given = input(name)
    if (given) {
      sources[name] = 'input'
      return given
    }
    const fallback = env[EnvDefaults[name]]?.trim() ?? ''
    sources[name] = fallback ? 'environment' : 'default'
    return fallback
  }
}
