import { it } from '@jest/globals'
import { actionPlatform, toActionPath } from '../scripts/action-runner.mjs'

/**
 * The one guard for tests that need what only a POSIX file system has: FIFOs (`mkfifo`),
 * `/dev/full`, and symbolic links the test creates (Windows needs a privilege to create them,
 * and Wine shows Linux links to Windows Node as plain files). `it` where the action runs on
 * POSIX; skipped (and so reported) where it runs on Windows, natively or under Wine.
 */
export const posixOnly = actionPlatform === 'win32' ? it.skip : it

/** `file`, a path of this machine, as a RegExp source for the way the action spells it. */
export function actionPathPattern(file: string): string {
  return toActionPath(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
