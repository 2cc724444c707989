/**
 * The README stays a users' README: at most 400 lines, with the deep topics on pages under docs/.
 * Every relative link in the docs lands: on a file that exists and, for a Markdown file, on a
 * heading it has (GitHub's anchors), so moving a section cannot leave a link behind.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { docsFiles, readRepoFile, repoRoot } from '../../__fixtures__/docs-files.js'

/** The longest the README may grow: checkout's is under 400 lines. */
const ReadmeMaxLines = 400

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** A Markdown document without its fenced code blocks. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^ {0,3}(`{3,}|~{3,})[\s\S]*?^ {0,3}\1\s*$/gm, '')
}

/** The text of a Markdown document outside fenced code blocks and code spans. */
function prose(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '')
}

/** The anchors of a Markdown document's headings (a repeated heading gets -1, -2 …). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const anchor = anchorOf(match[1])
    const count = seen.get(anchor) ?? 0
    anchors.add(count === 0 ? anchor : `${anchor}-${count}`)
    seen.set(anchor, count + 1)
  }
  return anchors
}

/** `file: target — why` for each relative link of `file` (its text `markdown`) that does not land. */
function brokenLinks(
  file: string,
  markdown: string,
  read: (file: string) => string | undefined
): string[] {
  const links = [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
  return links.flatMap(([, target]) => {
    if (/^[a-z][a-z\d+.-]*:/i.test(target)) return []
    const [pathPart, anchor] = target.split('#', 2)
    const linked = pathPart ? path.posix.join(path.posix.dirname(file), pathPart) : file
    const text = read(linked)
    if (text === undefined) return [`${file}: ${target} — no such file`]
    if (anchor === undefined || !linked.endsWith('.md')) return []
    return anchorsOf(text).has(anchor) ? [] : [`${file}: ${target} — ${linked} has no such heading`]
  })
}

/** A repository file's text, '' for a folder, undefined when there is none. */
function readIfThere(file: string): string | undefined {
  const full = path.join(repoRoot, file)
  if (!existsSync(full)) return undefined
  return file.endsWith('.md') ? readRepoFile(file) : ''
}

describe('the README', () => {
  it(`is at most ${ReadmeMaxLines} lines`, () => {
    const lines = readRepoFile('README.md').trimEnd().split(/\r?\n/).length
    expect(lines).toBeLessThanOrEqual(ReadmeMaxLines)
  })

  it('links to the pages under docs/ that hold the deep topics', () => {
    const readme = readRepoFile('README.md')
    const pages = docsFiles().filter(file => /^docs\/[^/]+\.md$/.test(file))
    const unlinked = pages.filter(
      page => page !== 'docs/ARCHITECTURE.md' && !readme.includes(`](${page}`)
    )
    expect(unlinked).toEqual([])
  })
})

describe('the links in the docs', () => {
  it.each(docsFiles())('%s: every relative link lands on a file and heading', file => {
    expect(brokenLinks(file, readRepoFile(file), readIfThere)).toEqual([])
  })

  it('are checked: a missing file or heading is reported, code is not read', () => {
    const pages: Record<string, string> = {
      'docs/a.md': '# A page\n\n## When F&O fails — `429`\n\nText.\n',
      'README.md': ''
    }
    const markdown = [
      '[ok](docs/a.md#when-fo-fails--429) [top](#title) [out](https://example.com/x#y)',
      '[gone](docs/b.md) [moved](docs/a.md#signing-in) [here](#nowhere)',
      '`[code](docs/c.md)`',
      '```md',
      '[fenced](docs/d.md)',
      '```',
      '# Title'
    ].join('\n')
    const read = (file: string): string | undefined =>
      file === 'README.md' ? markdown : pages[file]
    expect(brokenLinks('README.md', markdown, read)).toEqual([
      'README.md: docs/b.md — no such file',
      'README.md: docs/a.md#signing-in — docs/a.md has no such heading',
      'README.md: #nowhere — README.md has no such heading'
    ])
  })
})
