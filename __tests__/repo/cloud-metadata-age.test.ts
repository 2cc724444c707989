/** scripts/cloud-metadata-age.mjs, as .ci/run runs it: a note once the copy is a year old. */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CloudMetadataCopiedOn } from '../../src/sign-in/cloud-metadata.js'

const script = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../scripts/cloud-metadata-age.mjs'
)
const ageLine = (today: string): string =>
  execFileSync(process.execPath, [script, `--today=${today}`], { encoding: 'utf8' })

const daysAfterCopy = (days: number): string =>
  new Date(Date.parse(CloudMetadataCopiedOn) + days * 86_400_000).toISOString().slice(0, 10)

describe('the age of the built-in cloud metadata', () => {
  it('is only stated within a year of the copy', () => {
    expect(ageLine(daysAfterCopy(365))).toMatch(
      /^Built-in Entra ID cloud metadata copied on .*365 days ago/
    )
  })

  it('asks for a refresh after a year, without failing', () => {
    expect(ageLine(daysAfterCopy(366))).toMatch(
      /^Note: .* 366 days ago: refresh it \(docs\/adr\/0003/
    )
  })
})
