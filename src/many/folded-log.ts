/** A log that folds a run of identical lines (a 429 on every call in flight) into one with a count. */
export interface FoldedLog {
  /** Writes `line`, unless it repeats the line before it: then it is only counted. */
  info(line: string): void
  /** Writes how often the last line repeated, if it did; call it when the log ends. */
  flush(): void
}

/**
 * The first line of a run is written at once (the log stays live); its repeats are written as one
 * line, `<line> (×4 more in a row)`, when a different line comes or the log is flushed.
 */
export function createFoldedLog(write: (line: string) => void): FoldedLog {
  let last: string | undefined
  let repeats = 0
  const flush = (): void => {
    if (repeats > 0) write(`${last} (×${repeats} more in a row)`)
    repeats = 0
  }
  return {
    info(line) {
      if (line === last) {
        repeats++
        return
      }
      flush()
      last = line
      write(line)
    },
    flush() {
      flush()
      last = undefined
    }
  }
}
