import { parseRetryAfter } from '../transport/retry-after.js'
import {
  classifyThrottle,
  ThrottleBodyChars,
  type ThrottleKind,
  type Throttling
} from '../doctors/throttle-doctor.js'

/**
 * What the 429s of one call cost: counted as they come, their kinds read from bodies drained in
 * the background.
 */
export class ThrottleCount {
  private answers = 0
  private waitedMs = 0
  private longestRetryAfterMs: number | undefined
  private readonly kinds = new Set<ThrottleKind>()

  /** A 429 came, asking for this Retry-After (read at `nowMs`). */
  answered(retryAfter: string | undefined, nowMs: number): void {
    this.answers++
    const asked = parseRetryAfter(retryAfter, nowMs)
    if (asked !== undefined)
      this.longestRetryAfterMs = Math.max(this.longestRetryAfterMs ?? 0, asked)
  }

  /** Time the call waited because of 429s: its own retries, and the step's pauses and pace. */
  waited(ms: number): void {
    this.waitedMs += ms
  }

  /** Reads the kind of throttling from the start of a 429's body. */
  noteKind(body: string): void {
    const kind = classifyThrottle(body)
    if (kind) this.kinds.add(kind)
  }

  /** How many bytes of a 429's body noteKind reads, and the reader to hand them to. */
  bodyReader(): { bytes: number; read(head: Buffer): void } {
    return { bytes: ThrottleBodyChars, read: head => this.noteKind(head.toString('utf8')) }
  }

  snapshot(): Throttling {
    return {
      answers: this.answers,
      waitedMs: this.waitedMs,
      longestRetryAfterMs: this.longestRetryAfterMs,
      kinds: [...this.kinds]
    }
  }
}
