// @ts-check
/**
 * Renders the benchmark's one table, for the console and for BENCHMARKS.md, and the cells its
 * rows are made of.
 * @module
 */

/**
 * One line of the table as a scenario gives it: the Target and Met cells come from the target
 * it names (bench/targets.mjs), so a target is stated and judged in one place.
 * @typedef {object} RowSpec
 * @property {string} measure What is measured.
 * @property {string} value Median (or the count, for request counts).
 * @property {string} [range] min–max of the samples, and how many.
 * @property {string} [ratio] Ratio to the floor (median, min–max), when one applies.
 * @property {string} [target] The id of the target this row is judged by.
 */

/**
 * One line of the table.
 * @typedef {object} Row
 * @property {string} measure What is measured.
 * @property {string} value Median (or the count, for request counts).
 * @property {string} range min–max of the samples, and how many.
 * @property {string} ratio Ratio to the floor (median, min–max), when one applies.
 * @property {string} target
 * @property {'yes' | 'no' | ''} met
 */

const Columns = /** @type {const} */ ([
  ['measure', 'Measure'],
  ['value', 'Median'],
  ['range', 'Min–max (n)'],
  ['ratio', 'Ratio to floor'],
  ['target', 'Target'],
  ['met', 'Met']
])

/**
 * A plain-text table with aligned columns.
 * @param {readonly Row[]} rows
 * @returns {string}
 */
export function renderConsole(rows) {
  const widths = Columns.map(([key, title]) =>
    Math.max(title.length, ...rows.map(row => row[key].length))
  )
  /** @param {readonly string[]} cells */
  const line = cells => cells.map((cell, i) => cell.padEnd(widths[i])).join(' │ ')
  return [
    line(Columns.map(([, title]) => title)),
    widths.map(width => '─'.repeat(width)).join('─┼─'),
    ...rows.map(row => line(Columns.map(([key]) => row[key])))
  ].join('\n')
}

/**
 * A Markdown (GFM) table.
 * @param {readonly Row[]} rows
 * @returns {string}
 */
export function renderMarkdown(rows) {
  /** @param {string} text */
  const cell = text => text.replace(/\|/g, '\\|')
  return [
    `| ${Columns.map(([, title]) => title).join(' | ')} |`,
    `|${Columns.map(([key]) => (key === 'measure' || key === 'target' ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map(row => `| ${Columns.map(([key]) => cell(row[key])).join(' | ')} |`)
  ].join('\n')
}

/** @param {number} ms */
export const formatMs = ms => (Number.isFinite(ms) ? `${ms.toFixed(ms < 100 ? 1 : 0)} ms` : '–')

/** @param {number} kb */
export const formatMiB = kb => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MiB` : '–')

/** @param {number} ratio */
export const formatRatio = ratio => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–')

/** @param {number} bytes */
export const formatBytes = bytes => {
  const [unit, size] =
    bytes >= 1024 * 1024
      ? ['MiB', bytes / 1024 / 1024]
      : bytes >= 1024
        ? ['KiB', bytes / 1024]
        : ['B', bytes]
  return `${Number.isInteger(size) ? size : size.toFixed(unit === 'MiB' ? 2 : 1)} ${unit}`
}

/**
 * `min–max (n)` of a summary.
 * @param {import('./measure.mjs').Summary} s
 * @param {(n: number) => string} format
 */
export const range = (s, format) => `${format(s.min)}–${format(s.max)} (${s.count})`

/**
 * `median (min–max)` of a summary of ratios.
 * @param {import('./measure.mjs').Summary} s
 */
export const ratioCell = s =>
  `${formatRatio(s.median)} (${formatRatio(s.min)}–${formatRatio(s.max)})`

/**
 * Request counts: the count when every run made the same, else `min–max`.
 * @param {readonly number[]} counts
 */
export const countCell = counts => {
  if (counts.length === 0) return '–'
  const distinct = [...new Set(counts)]
  return distinct.length === 1
    ? String(distinct[0])
    : `${Math.min(...counts)}–${Math.max(...counts)}`
}
