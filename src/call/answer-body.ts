import type { HttpResponse } from '../transport/http.js'
import { bytesReceived, type ReceivedBody } from '../transport/response-body.js'

/** The body of an answer as the invoker received it, or the error that ended it. */
export interface Received {
  readonly body: ReceivedBody | undefined
  readonly error?: unknown
}

/** Streams an answer's body to where it is kept (InvokerDeps.receive). */
export type Receive = (response: HttpResponse) => Promise<ReceivedBody>

/** A later limit no wait may pass, and the input that sets it (the poll deadline). */
export interface BodyDeadline {
  readonly atMs: number
  readonly input: string
}

/**
 * How long the body of an answer that is given up on (a 429 or 5xx past the budget) may take:
 * its words only explain the failure, so a body that drips cannot hold the step past retry-timeout.
 */
export const GiveUpBodyMs = 5_000

/** Raised when a body is still arriving as a later limit (the poll deadline) ends. */
export class DeadlineError extends Error {
  constructor(input: string) {
    super(`${input} ended while the body was still arriving`)
    this.name = 'DeadlineError'
  }
}

/** Time left at `nowMs` until `deadline` (Infinity without one), never below 0. */
export function msUntil(deadline: BodyDeadline | undefined, nowMs: number): number {
  return deadline === undefined ? Infinity : Math.max(0, deadline.atMs - nowMs)
}

/**
 * receiveSafely, ending the body at `deadline` when there is one: a body whose bytes keep
 * coming (a byte a second never stalls) cannot hold a poll past poll-timeout.
 */
export function receiveBy(
  response: HttpResponse,
  receive: Receive,
  deadline: BodyDeadline | undefined,
  nowMs: number
): Promise<Received> {
  if (deadline === undefined) return receiveSafely(response, receive)
  return receiveWithin(
    response,
    receive,
    msUntil(deadline, nowMs),
    new DeadlineError(deadline.input)
  )
}

/** receiveSafely, ending the body with `error` once `ms` have passed. */
export async function receiveWithin(
  response: HttpResponse,
  receive: Receive,
  ms: number,
  error: Error
): Promise<Received> {
  const timer = setTimeout(() => response.body.destroy(error), ms)
  timer.unref()
  try {
    return await receiveSafely(response, receive)
  } finally {
    clearTimeout(timer)
  }
}

async function receiveSafely(response: HttpResponse, receive: Receive): Promise<Received> {
  try {
    return { body: await receive(response) }
  } catch (error) {
    return { body: undefined, error }
  }
}

/** ", after 1000 of 5000 bytes" when the body's progress is known. */
export function bodyProgress(error: unknown, contentLength: string | undefined): string {
  const bytes = bytesReceived(error)
  if (bytes === undefined) return ''
  return contentLength && /^\d+$/.test(contentLength)
    ? `, after ${bytes} of ${contentLength} bytes`
    : `, after ${bytes} bytes`
}
