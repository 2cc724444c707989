import os from 'node:os'
import path from 'node:path'
import { InputError } from './errors.js'

/**
 * Where a file named by an input may lie: inside GITHUB_WORKSPACE or RUNNER_TEMP, by the rules
 * of the platform the action runs on. Pure string logic; every function takes the `path`
 * flavour it follows (default: this platform's), so the Windows rules are tested with
 * `path.win32` on every machine. The I/O side (links, file kinds) is in response-file.ts.
 *
 * On Windows: drive letters and names compare case-insensitively, `\` and `/` are both
 * separators, `\tmp\x` is rooted on the current drive, and these are refused because they do
 * not name the file they seem to: `C:name` (relative to a drive's current folder), the `\\?\`
 * and `\\.\` prefixes, device names (`NUL`, `CON`, `COM1`, also `nul.json`), alternate data
 * streams (`out.json:stream`), names ending in a dot or space (Windows drops them), characters
 * Windows does not allow in a name, and 8.3 short names (`REPORT~1.JSO`) below the folder, which
 * can stand for another file.
 *
 * For an input that names a file: resolveContainedPath (throws an InputError naming the input), or
 * containPath for the reason as data. To tell whether two inputs name the same file by their
 * spelling: samePath. Links are judged where files are opened (openResponseFile walks the real
 * path of every folder), since only the file system knows where a link leads.
 */

/** `path.win32` or `path.posix`: the rules a check follows. */
export type PathFlavour = path.PlatformPath

/** A folder files may lie in, with the variable it comes from (for messages). */
export interface AllowedFolder {
  readonly name: 'GITHUB_WORKSPACE' | 'RUNNER_TEMP'
  /** Absolute, as the runner spells it. */
  readonly folder: string
}

/** A path inside an allowed folder, or why it is not one. */
export type Containment =
  { readonly path: string; readonly folder: AllowedFolder } | { readonly problem: string }

type Environment = Readonly<Record<string, string | undefined>>

/**
 * GITHUB_WORKSPACE (the working folder outside a runner) and RUNNER_TEMP (the system's temporary
 * folder outside a runner), in that order: relative paths are resolved against the first.
 */
export function allowedFolders(env: Environment, flavour: PathFlavour = path): AllowedFolder[] {
  return [
    { name: 'GITHUB_WORKSPACE', folder: flavour.resolve(env['GITHUB_WORKSPACE'] || process.cwd()) },
    { name: 'RUNNER_TEMP', folder: flavour.resolve(env['RUNNER_TEMP'] || os.tmpdir()) }
  ]
}

/** `GITHUB_WORKSPACE (…) or RUNNER_TEMP (…)`, for messages. */
export function describeFolders(folders: readonly AllowedFolder[]): string {
  return folders.map(folder => `${folder.name} (${folder.folder})`).join(' or ')
}

/**
 * True when `file` lies below `folder` (not the folder itself), both absolute. On Windows the
 * comparison ignores case, as the file system does, and another drive or share is never below.
 */
export function isInside(file: string, folder: string, flavour: PathFlavour = path): boolean {
  const relative = flavour.relative(folder, file)
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${flavour.sep}`) &&
    !flavour.isAbsolute(relative)
  )
}

/** True when two absolute paths name the same place by their spelling (case-insensitively on Windows). */
export function samePath(a: string, b: string, flavour: PathFlavour = path): boolean {
  return flavour.relative(a, b) === ''
}

/**
 * Resolves `given` against GITHUB_WORKSPACE and checks that it lies inside GITHUB_WORKSPACE or
 * RUNNER_TEMP, by the rules of `flavour`. The path returned starts with the folder as the runner
 * spells it (on Windows `c:\WORK\out.json` in `C:\work` becomes `C:\work\out.json`).
 */
export function containPath(
  given: string,
  env: Environment,
  flavour: PathFlavour = path
): Containment {
  if (given.includes('\0')) return { problem: 'a path cannot hold a NUL character' }
  const windows = flavour === path.win32
  if (windows) {
    const form = windowsFormProblem(given)
    if (form) return { problem: form }
  }
  const folders = allowedFolders(env, flavour)
  const file = flavour.resolve(folders[0].folder, given)
  const folder = folders.find(candidate => isInside(file, candidate.folder, flavour))
  if (!folder) {
    return {
      problem: `it resolves to ${file}, which is not inside ${describeFolders(folders)}`
    }
  }
  const below = flavour.relative(folder.folder, file)
  if (windows) {
    for (const name of below.split(flavour.sep)) {
      const problem = windowsNameProblem(name)
      if (problem) return { problem }
    }
  }
  return { path: flavour.join(folder.folder, below), folder }
}

/**
 * containPath for an input: the path, or an InputError naming the input, what it resolved to and
 * what is accepted (`example`, a path relative to the workspace).
 */
export function resolveContainedPath(
  given: string,
  env: Environment,
  input: string,
  example: string,
  flavour: PathFlavour = path
): string {
  const contained = containPath(given, env, flavour)
  if ('path' in contained) return contained.path
  if (given.includes('\0')) {
    throw new InputError(input, `Invalid ${input}: ${contained.problem}.`)
  }
  throw new InputError(
    input,
    `Invalid ${input} '${given.slice(0, 200)}': ${contained.problem}. ` +
      `Give a file path inside the workspace, e.g. ${example}, or under RUNNER_TEMP.`
  )
}

/** Forms of a whole Windows path that do not name a plain file. */
function windowsFormProblem(given: string): string | undefined {
  if (/^[\\/]{2}[?.][\\/]/.test(given)) {
    return 'the \\\\?\\ and \\\\.\\ prefixes name raw paths and devices, not plain files (long paths need no prefix)'
  }
  if (/^[a-z]:(?![\\/])/i.test(given)) {
    return `${given.slice(0, 2)} without a \\ after it is relative to the current folder of that drive, which the step does not set; give a path relative to the workspace or a full path such as ${given.slice(0, 2)}\\…`
  }
  return undefined
}

/** Device names Windows reserves in every folder, whatever extension follows. */
const DeviceName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i

/** A short (8.3) name Windows made up for a longer one: up to 6 characters, ~digits, extension. */
const ShortName = /^[^.~]{1,6}~[0-9]{1,6}(\.[^.]{0,3})?$/

/** Why one name (between separators) below an allowed folder does not name a plain file there. */
function windowsNameProblem(name: string): string | undefined {
  if (name.includes(':')) {
    return `'${name}' names an alternate data stream (a name cannot hold ':' on Windows)`
  }
  if (/[<>"|?*]/.test(name) || [...name].some(char => char.charCodeAt(0) < 32)) {
    return `'${name}' holds a character Windows does not allow in a name (<>:"|?* or a control character)`
  }
  if (/[. ]$/.test(name)) {
    return `'${name}' ends in a dot or space, which Windows drops, so another file would be written`
  }
  const stem = name.split('.')[0].trimEnd()
  if (DeviceName.test(stem)) {
    return `'${name}' is the Windows device ${stem.toUpperCase()}, not a file (with any extension)`
  }
  if (ShortName.test(name)) {
    return `'${name}' looks like a Windows short (8.3) name, which can stand for another file; give the long name`
  }
  return undefined
}
