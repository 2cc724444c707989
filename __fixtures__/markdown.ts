/**
 * Reads the parts of a Markdown document that tests check against the code: fenced code blocks,
 * `## ` sections and the cells of pipe tables. Line-based, enough for the repository's own docs.
 */

/** A fenced code block: its language, its text (fence indentation removed) and where it starts. */
export interface FencedBlock {
  /** The info string's first word, lower-cased (`yaml`, `sh`, …); empty when none. */
  readonly language: string
  /** 1-based line in the document of the block's first line of code. */
  readonly line: number
  readonly text: string
}

/** Every fenced (``` or ~~~) code block of `markdown`, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: FencedBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[index])
    if (!open) continue
    const [, indent, fence, info] = open
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`)
    const end = lines.findIndex((line, at) => at > index && close.test(line))
    const last = end < 0 ? lines.length : end
    const body = lines
      .slice(index + 1, last)
      .map(line => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
    blocks.push({ language: info.toLowerCase(), line: index + 2, text: body.join('\n') + '\n' })
    index = last
  }
  return blocks
}

/** The lines of one section, from its heading (`## Totals`) up to the next heading of that level or higher. */
export function sectionLines(markdown: string, heading: string): string[] {
  const lines = markdown.split(/\r?\n/)
  const level = /^#+/.exec(heading)?.[0].length ?? 0
  const start = lines.findIndex(line => line.trim() === heading)
  if (start < 0 || level === 0) return []
  const end = lines.findIndex((line, index) => {
    const hashes = /^(#+)\s/.exec(line)?.[1].length
    return index > start && hashes !== undefined && hashes <= level
  })
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

/**
 * The body rows of the pipe tables in `lines`, as trimmed cells (header rows and the
 * `| --- |` separators left out). A `|` inside backticks does not split a cell.
 */
export function tableRows(lines: readonly string[]): string[][] {
  const rows: string[][] = []
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index].trimStart().startsWith('|')) continue
    const separator = /^\s*\|(\s*:?-+:?\s*\|)+\s*$/
    if (separator.test(lines[index])) continue
    if (separator.test(lines[index + 1] ?? '')) continue
    rows.push(splitRow(lines[index]))
  }
  return rows
}

/** `| a | \`b|c\` |` → `['a', '`b|c`']`. */
function splitRow(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let inCode = false
  for (const char of line.trim().replace(/^\||\|$/g, '')) {
    if (char === '`') inCode = !inCode
    if (char === '|' && !inCode) {
      cells.push(cell.trim())
      cell = ''
    } else cell += char
  }
  cells.push(cell.trim())
  return cells
}
