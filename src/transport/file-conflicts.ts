import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'

/** A file an input names, resolved to an absolute path. */
export interface NamedFile {
  /** The input that names it, e.g. `results-file`. */
  readonly input: string
  readonly path: string
}

/**
 * The first two of `files` that are the same file: the same path, a link to the other, or a
 * hard link to it (the same device and inode), so that writing one would destroy the other.
 * Nothing is opened or changed. Undefined when all are distinct.
 */
export async function findSameFile(
  files: readonly NamedFile[]
): Promise<readonly [NamedFile, NamedFile] | undefined> {
  const seen = new Map<string, NamedFile>()
  for (const file of files) {
    const identity = await identityOf(file.path)
    const earlier = seen.get(identity)
    if (earlier !== undefined) return [earlier, file]
    seen.set(identity, file)
  }
  return undefined
}

/** An existing file by device and inode (links followed); a missing one by its real folder and name. */
async function identityOf(file: string): Promise<string> {
  // As bigints: NTFS file ids pass 2^53, where two files' numbers would round to one.
  const found = await stat(file, { bigint: true }).catch(() => undefined)
  if (found !== undefined) return `inode:${found.dev}:${found.ino}`
  const folder = await realpath(path.dirname(file)).catch(() => path.dirname(file))
  return `path:${path.join(folder, path.basename(file))}`
}
