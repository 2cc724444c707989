import type { Catalogue } from './fo-catalogue.js'
import { alternatives, closestNames } from './name-match.js'

/** What each depth of a service name is called: a group, a service, an operation. */
const Kinds = ['service group', 'service', 'operation'] as const

/**
 * Why F&O answered 404 to `segments` (a service name of 1 to 3 AOT names), from its own lists:
 * the service's operations, and when the service is missing too, the group's services, then the
 * groups. Names the first name F&O does not hold and the closest ones it does
 * (`F&O has no operation GetUserSessionInfos in UserSessionService/AifUserSessionService; did
 * you mean GetUserSessionInfo?`). Undefined when F&O's lists cannot tell (the catalogue's
 * budget is spent, or a list could not be read).
 */
export async function explainMissingName(
  segments: readonly string[],
  catalogue: Catalogue
): Promise<string | undefined> {
  for (let depth = segments.length - 1; depth >= 0; depth--) {
    const parent = segments.slice(0, depth)
    const wanted = segments[depth]
    const listing = await catalogue.list(parent)
    if (listing === undefined || listing.kind === 'unknown') return undefined
    if (listing.kind === 'missing') continue
    const kind = Kinds[depth]
    const where = depth === 0 ? '' : ` in ${parent.join('/')}`
    if (listing.names.some(name => name.toLowerCase() === wanted.toLowerCase())) {
      // F&O holds the name: only the last one can explain the 404, as F&O's answer itself.
      return depth === segments.length - 1
        ? `F&O lists ${kind} ${wanted}${where}, so the name is right and the 404 came from the ${kind} itself`
        : undefined
    }
    const closest = closestNames(wanted, listing.names)
    if (closest.length > 0) {
      return `F&O has no ${kind} ${wanted}${where}; did you mean ${alternatives(closest)}?`
    }
    const listed = `${listing.names.length} ${plural(kind, listing.names.length)}`
    return (
      `F&O has no ${kind} ${wanted}${where}, and none of its ${listed} is a close match ` +
      `(list them with service-name '${depth === 0 ? '/' : parent.join('/')}' and method GET)`
    )
  }
  return undefined
}

function plural(kind: string, count: number): string {
  if (count === 1) return kind
  return kind === 'service group' ? 'service groups' : `${kind}s`
}
