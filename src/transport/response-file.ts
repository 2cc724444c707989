import { constants } from 'node:fs'
import { lstat, mkdir, open, realpath, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import {
  allowedFolders,
  describeFolders,
  isInside,
  resolveContainedPath,
  samePath
} from '../common/path-containment.js'

type Environment = Readonly<Record<string, string | undefined>>

/** The file a response body is streamed to, opened before the first request. */
export interface ResponseFile {
  /** Absolute path, as the `response-file` output reports it. */
  readonly path: string
  /** Open for writing; the body is written from its first byte. */
  readonly handle: FileHandle
}

/**
 * Why an existing file the action is to read (`calls-file`, `payload-file`) lies outside
 * GITHUB_WORKSPACE and RUNNER_TEMP, judged by its real path (a link into /etc is outside);
 * undefined when it is inside.
 */
export async function readableOutsideRoots(
  file: string,
  env: Environment
): Promise<string | undefined> {
  const real = await realpath(file)
  const allowed = allowedFolders(env)
  const realRoots = await Promise.all(
    allowed.map(candidate => realpath(candidate.folder).catch(() => candidate.folder))
  )
  if (realRoots.some(root => isInside(real, root))) return undefined
  const shown = real === file ? file : `${file} (a link to ${real})`
  return `${shown} is not inside ${describeFolders(allowed)}`
}

/** The inputs that name a file the action writes: `response-file`, and `results-file` of many calls. */
export type OutputFileInput = typeof Inputs.ResponseFile | typeof Inputs.ResultsFile

const Examples: Readonly<Record<OutputFileInput, string>> = {
  [Inputs.ResponseFile]: 'out/response.json',
  [Inputs.ResultsFile]: 'out/results.jsonl'
}

/**
 * Resolves the `response-file` input (or `results-file`) against GITHUB_WORKSPACE. The path must
 * lie inside GITHUB_WORKSPACE or RUNNER_TEMP once `..` is resolved, by the rules of this
 * platform (path-containment.ts); anything else is an InputError.
 */
export function resolveResponseFile(
  given: string,
  env: Environment,
  input: OutputFileInput = Inputs.ResponseFile
): string {
  return resolveContainedPath(given, env, input, Examples[input])
}

/**
 * Opens (creates or truncates) the `response-file` before any request, so a bad path fails
 * while nothing has been sent. Missing folders are created; a symbolic link among the folders
 * must lead inside GITHUB_WORKSPACE or RUNNER_TEMP (a checked-out pull request can hold one),
 * and the file itself is never a link (O_NOFOLLOW), a folder, or a FIFO or device.
 */
export async function openResponseFile(
  file: string,
  env: Environment,
  input: OutputFileInput = Inputs.ResponseFile
): Promise<ResponseFile> {
  const refuse = (problem: string): never => {
    throw new InputError(input, `Invalid ${input}: ${problem}.`)
  }
  const allowed = allowedFolders(env)
  const root = allowed.find(candidate => isInside(file, candidate.folder))
  if (!root) return refuse(`${file} is not inside ${describeFolders(allowed)}`)
  const realRoots = await Promise.all(allowed.map(candidate => realFolder(candidate.folder, input)))

  // Walk the folders on their real paths, so a link is judged by where it leads.
  const parts = path.relative(root.folder, file).split(path.sep)
  const name = parts.pop() as string
  let folder = await realFolder(root.folder, input)
  let shown = root.folder
  for (const part of parts) {
    shown = path.join(shown, part)
    const next = path.join(folder, part)
    const stats = await lstat(next).catch((error: unknown) =>
      isMissing(error) ? undefined : refuse(`cannot read ${shown}: ${codeOf(error)}`)
    )
    if (stats === undefined) {
      await mkdir(next).catch((error: unknown) =>
        refuse(`cannot create the folder ${shown}: ${codeOf(error)}`)
      )
      folder = next
    } else if (stats.isSymbolicLink()) {
      const target = await realpath(next).catch(() => refuse(`${shown} is a broken link`))
      if (!realRoots.some(real => samePath(target, real) || isInside(target, real))) {
        refuse(
          `${shown} is a symbolic link to ${target}, which is not inside ${describeFolders(allowed)}`
        )
      }
      if (!(await lstat(target)).isDirectory()) refuse(`${shown} is not a folder`)
      folder = target
    } else if (stats.isDirectory()) {
      folder = next
    } else {
      refuse(`${shown} is a file, not a folder`)
    }
  }

  const target = path.join(folder, name)
  const existing = await lstat(target).catch((error: unknown) =>
    isMissing(error) ? undefined : refuse(`cannot read ${file}: ${codeOf(error)}`)
  )
  if (existing?.isSymbolicLink()) refuse(`${file} is a symbolic link, which is not followed`)
  if (existing?.isDirectory())
    refuse(`${file} is a folder; give a file path, e.g. ${Examples[input]}`)
  if (existing && !existing.isFile()) refuse(`${file} is not a regular file (${kindOf(existing)})`)

  // O_NOFOLLOW closes the gap between the check and the open; O_NONBLOCK keeps a FIFO that
  // appeared meanwhile from blocking the open. Neither exists on Windows.
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_TRUNC |
    (constants.O_NOFOLLOW ?? 0) |
    (constants.O_NONBLOCK ?? 0)
  const handle = await open(target, flags, 0o666).catch((error: unknown) =>
    refuse(`cannot open ${file} for writing: ${codeOf(error)}`)
  )
  if (!(await handle.stat()).isFile()) {
    await handle.close()
    refuse(`${file} is not a regular file`)
  }
  return { path: file, handle }
}

/** The real path of an existing folder (a runner's folders exist; a missing one is refused). */
async function realFolder(folder: string, input: OutputFileInput): Promise<string> {
  return realpath(folder).catch((error: unknown) => {
    throw new InputError(
      input,
      `Invalid ${input}: the folder ${folder} cannot be used: ${codeOf(error)}.`
    )
  })
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT'
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)
}

function kindOf(stats: { isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isSocket()) return 'a socket'
  return 'a device'
}
