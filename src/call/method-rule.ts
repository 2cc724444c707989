import { Inputs } from '../common/constants.js'

/** The method of a call, or which input is wrong and why (one sentence). */
export type MethodRule =
  | { readonly method: 'GET' | 'POST' }
  | { readonly input: typeof Inputs.Method | typeof Inputs.ServiceName; readonly problem: string }

/**
 * Resolves `method` for a service name of `segmentCount` AOT names (0 = every group): `auto`
 * (or nothing) runs an operation (POST, even without payload); a group or service is listed only
 * with an explicit GET, so a forgotten operation never ends green having run nothing. A group or
 * service cannot be POSTed, and GET sends no payload.
 */
export function resolveMethod(
  given: string,
  serviceName: string,
  segmentCount: number,
  hasPayload: boolean
): MethodRule {
  const word = given.trim().toUpperCase() || 'AUTO'
  if (word !== 'AUTO' && word !== 'GET' && word !== 'POST') {
    return {
      input: Inputs.Method,
      problem: `Invalid ${Inputs.Method} '${given.slice(0, 40)}'. Expected auto, GET or POST.`
    }
  }
  if (word === 'AUTO' && segmentCount < 3) {
    const named = ['every service group', 'a service group', 'a service'][segmentCount]
    const refused = segmentCount === 0 ? named : `${named}, not an operation`
    return {
      input: Inputs.ServiceName,
      problem:
        `${Inputs.ServiceName} '${serviceName.slice(0, 100)}' names ${refused}: add the operation to run it ` +
        `(ServiceGroup/Service/Operation), or set ${Inputs.Method}: GET to list what it holds.`
    }
  }
  const method = word === 'AUTO' ? 'POST' : word
  if (segmentCount < 3 && (method === 'POST' || hasPayload)) {
    return {
      input: Inputs.ServiceName,
      problem:
        `${Inputs.ServiceName} '${serviceName.slice(0, 100)}' names ${segmentCount === 0 ? 'every service group' : 'a service group or service'}, which can only be listed (GET, no ${Inputs.Payload}). ` +
        'To run an operation, give ServiceGroup/Service/Operation.'
    }
  }
  if (method === 'GET' && hasPayload) {
    return {
      input: Inputs.Method,
      problem: `${Inputs.Method} GET sends no body: leave ${Inputs.Payload} empty or use POST.`
    }
  }
  return { method }
}
