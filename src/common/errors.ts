/** A user-fixable problem with one input; the message names the input and what it accepts. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(message)
    this.name = 'InputError'
  }
}

/** A failure while signing in or calling the endpoint; the message is one line, already free of secrets. */
export class CallError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'CallError'
  }
}

/** The message of anything thrown, on one line (in time linear in its length, whatever it holds). */
export function oneLine(error: unknown): string {
  // Duck-typed: an Error from another realm (a VM context, a worker) is an Error all the same.
  const message = (error as { message?: unknown } | null)?.message
  const text = typeof message === 'string' ? message : String(error)
  return text
    .split(/[\r\n]+/)
    .map(line => line.trim())
    .filter(line => line !== '')
    .join(' ')
}
