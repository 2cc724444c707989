/**
 * The repository's documentation, as the docs tests read it: the Markdown files at the top (the
 * README, CONTRIBUTING.md …) and every page under docs/. An example that moves from the README to
 * a page under docs/ stays checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, with a trailing separator. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url))

/** A file of the repository as text; `file` is relative to the root. */
export function readRepoFile(file: string): string {
  return readFileSync(path.join(repoRoot, file), 'utf8')
}

/** Files under `dir` (relative to the root) whose names match, relative with `/`, sorted. */
export function repoFilesIn(dir: string, pattern: RegExp): string[] {
  if (!existsSync(path.join(repoRoot, dir))) return []
  return readdirSync(path.join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && pattern.test(entry.name))
    .map(entry =>
      path.relative(repoRoot, path.join(entry.parentPath, entry.name)).replace(/\\/g, '/')
    )
    .sort()
}

/** The Markdown files at the top of the repository (not below it), then those under docs/. */
export function docsFiles(): string[] {
  const top = readdirSync(repoRoot, { withFileTypes: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.md'))
    .map(entry => entry.name)
    .sort()
  return [...top, ...repoFilesIn('docs', /\.md$/)]
}
