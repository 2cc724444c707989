// @ts-check
/**
 * Peak-RSS probe for machines without GNU time: preloaded with `node --import`, it prints the
 * process's own peak resident set size (getrusage ru_maxrss, KiB on Linux) to stderr on exit,
 * in the line GNU time is asked to print (`bench-max-rss-kb=<n>`).
 * @module
 */
import { writeSync } from 'node:fs'

process.on('exit', () => {
  writeSync(2, `\nbench-max-rss-kb=${process.resourceUsage().maxRSS}\n`)
})
