// Preloaded with `node --import` into a measured step: writes the process's own peak RSS
// (bytes) to PEAK_RSS_FILE when it exits, so a test or benchmark can read the child's figure.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env['PEAK_RSS_FILE']
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
})
