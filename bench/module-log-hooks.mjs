// @ts-check
/**
 * Loader hooks for module-log.mjs: each loaded module's URL, one per line.
 * @module
 */
import { appendFileSync } from 'node:fs'

let file = ''

/** @param {{ file: string }} data */
export function initialize(data) {
  file = data.file
}

/**
 * @param {string} url
 * @param {unknown} context
 * @param {(url: string, context: unknown) => unknown} nextLoad
 */
export function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`)
  return nextLoad(url, context)
}
