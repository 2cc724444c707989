import { afterAll, beforeAll } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/**
 * A fresh folder under the system's temp folder for the whole test file, removed after it.
 * @returns A getter for its path, to call inside hooks and tests.
 */
export function useTempFolder(prefix: string): () => string {
  let folder: string | undefined
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), prefix))
  })
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true })
  })
  return () => {
    if (!folder) throw new Error('The temp folder does not exist yet: use it in a hook or a test.')
    return folder
  }
}
