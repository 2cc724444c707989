// Preloaded with `node --import` into a measured step: writes the process's own peak RSS
// (bytes) to PEAK_RSS_FILE when it exits, so a test or benchmark can read the child's figure.
import { readFileSync, writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env['PEAK_RSS_FILE']
  if (file) writeFileSync(file, String(peakRssBytes()))
})

/**
 * On Linux, VmHWM from /proc/self/status: the peak of this program's own memory. ru_maxrss
 * (process.resourceUsage().maxRSS) is not: a process started by fork and exec keeps the peak of
 * the memory it shared with its parent before exec, so a step spawned by a test process of
 * 250 MiB would report 250 MiB whatever it used itself. Elsewhere (no /proc), ru_maxrss.
 */
function peakRssBytes() {
  try {
    const kb = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    if (kb !== undefined) return Number(kb) * 1024
  } catch {
    // No /proc: not Linux.
  }
  return process.resourceUsage().maxRSS * 1024
}
