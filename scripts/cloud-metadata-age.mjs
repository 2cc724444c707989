// @ts-check
/**
 * Prints a line (never fails) when the built-in copy of Entra ID's cloud metadata is older than a
 * year, so it is refreshed before it goes stale (docs/adr/0003-built-in-cloud-metadata.md).
 * `.ci/run` runs it. `--today=YYYY-MM-DD` stands in for today's date in its test.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DayMs = 86_400_000

/** The module that holds the copy, wherever src/ keeps it. */
function metadataModule() {
  const found = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).find(
    file => path.basename(file) === 'cloud-metadata.ts'
  )
  if (!found) throw new Error('src/**/cloud-metadata.ts not found')
  return path.join(root, 'src', found)
}

const source = readFileSync(metadataModule(), 'utf8')
const copiedOn = /CloudMetadataCopiedOn = '(\d{4}-\d{2}-\d{2})'/.exec(source)?.[1]
if (!copiedOn) throw new Error('CloudMetadataCopiedOn not found in cloud-metadata.ts')
const todayArg = process.argv.find(arg => arg.startsWith('--today='))?.slice('--today='.length)
const today = todayArg ? Date.parse(todayArg) : Date.now()
const ageDays = Math.floor((today - Date.parse(copiedOn)) / DayMs)
if (ageDays > 365) {
  console.log(
    `Note: the built-in Entra ID cloud metadata was copied on ${copiedOn}, ${ageDays} days ago: ` +
      'refresh it (docs/adr/0003-built-in-cloud-metadata.md).'
  )
} else {
  console.log(`Built-in Entra ID cloud metadata copied on ${copiedOn} (${ageDays} days ago).`)
}
