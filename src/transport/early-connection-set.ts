import type { ConnectionPool } from './connection-pool.js'

/**
 * Connections opened as the action starts, before the rest of its code loads: to F&O, and to
 * the authority when the step signs in. The transports of the first sign-in and of the call
 * take them over (each pool then belongs to its transport, which closes it).
 */
export interface EarlyConnections {
  /** Opening a connection to the environment's origin; undefined when none was started. */
  readonly service: ConnectionPool | undefined
  /** Opening a connection to the authority host; undefined when none was started. */
  readonly authority: ConnectionPool | undefined
  /** Resolves once both have their first bytes on the wire (or failed), or after `maxWaitMs`. */
  underway(maxWaitMs: number): Promise<void>
  /** Ends both pools and whatever they hold (on a path that never used them). */
  close(): void
}

/** No connection opened ahead: tests, and runs that start no request at once. */
export const NoEarlyConnections: EarlyConnections = {
  service: undefined,
  authority: undefined,
  underway: () => Promise.resolve(),
  close: () => undefined
}
