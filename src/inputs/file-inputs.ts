import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { Charset } from '../common/charset.js'
import { Inputs } from '../common/constants.js'
import { InputError } from '../common/errors.js'
import { containPath } from '../common/path-containment.js'
import { readPayloadFile, type EncodedPayload } from '../call/payload-file.js'
import { readableOutsideRoots, resolveResponseFile } from '../transport/response-file.js'
import { findSameFile, type NamedFile } from '../transport/file-conflicts.js'
import { input, type Environment } from './input-reader.js'

/** `payload-file`, read and checked before any request. */
export async function readPayloadFileInput(
  given: string,
  charset: Charset,
  env: Environment
): Promise<EncodedPayload> {
  const read = await readPayloadFile(given, charset, env)
  if ('problem' in read) throw new InputError(Inputs.PayloadFile, `Invalid ${read.problem}.`)
  return read
}

/** `response-file`, resolved where the action may write it; undefined when not given. */
export function readResponseFile(env: Environment): string | undefined {
  const given = input(Inputs.ResponseFile)
  return given ? resolveResponseFile(given, env) : undefined
}

/** `calls-file` against GITHUB_WORKSPACE: it must be a file the action can read. */
export async function readCallsFilePath(given: string, env: Environment): Promise<string> {
  const shown = given.slice(0, 200)
  if (given.includes('\0')) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile}: a path cannot hold a NUL character.`
    )
  }
  // Inside the workspace or RUNNER_TEMP by this platform's rules (on Windows no device such as
  // CON, which would never end, and no stream), then by its real path below.
  const contained = containPath(given, env)
  if ('problem' in contained) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile} '${shown}': ${contained.problem}. Put the file in the workspace or under RUNNER_TEMP.`
    )
  }
  const file = contained.path
  const problem = await access(file, constants.R_OK).then(
    () => stat(file).then(stats => (stats.isFile() ? undefined : 'is not a file')),
    (error: unknown) =>
      (error as { code?: unknown } | null)?.code === 'ENOENT' ? 'does not exist' : 'cannot be read'
  )
  if (problem !== undefined) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile} '${shown}': ${file} ${problem}. Expected a JSON Lines file (one call or payload per line), relative to GITHUB_WORKSPACE.`
    )
  }
  // Read only from where the workflow's own files are, as the files the action writes.
  const outside = await readableOutsideRoots(file, env)
  if (outside !== undefined) {
    throw new InputError(
      Inputs.CallsFile,
      `Invalid ${Inputs.CallsFile} '${shown}': ${outside}. Put the file in the workspace or under RUNNER_TEMP.`
    )
  }
  return file
}

/**
 * Refuses a file the action writes (`written`) that is the same file as one it reads (a path, a
 * link or a hard link to it): writing it would destroy the file read. Both inputs are named.
 * Files that are only read may be the same (two calls may send one payload-file).
 */
export async function refuseSameFile(
  reads: readonly { input: string; path: string | undefined }[],
  written: { input: string; path: string | undefined }
): Promise<void> {
  if (written.path === undefined) return
  for (const read of reads) {
    if (read.path === undefined) continue
    const same = await findSameFile([read as NamedFile, written as NamedFile])
    if (same === undefined) continue
    throw new InputError(
      written.input,
      `Invalid ${written.input}: ${written.path} is the same file as ${read.input} (${read.path}), which writing it would destroy. Give ${written.input} a path of its own, e.g. out/${written.input === Inputs.ResultsFile ? 'results.jsonl' : 'response.json'}.`
    )
  }
}
