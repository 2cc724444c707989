/**
 * True for hosts that never leave the machine: literal 127.0.0.0/8, ::1 and `localhost`, the
 * names @actions/http-client also never sends through a proxy. A `*.localhost` name is not one:
 * it would be resolved (or proxied) like any other.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** A parsed URL, or what is wrong with it (and, when known, the value to give instead). */
type Parsed = { url: string } | { problem: string; expected?: string }

// A DNS name of non-empty labels, an IPv4 address, or a bracketed IPv6 address.
const HostName =
  /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$|^\[[0-9a-f:.]+\]$/

/** Checks shared by every URL input; the URL parser alone would drop tabs and newlines silently. */
function parseUrl(text: string): URL | { problem: string } {
  if (/[^\x21-\x7e]/.test(text))
    return { problem: 'must hold only printable ASCII characters, no spaces' }
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return { problem: 'is not an absolute URL' }
  }
  if (!HostName.test(parsed.hostname))
    return { problem: `has an invalid host name '${parsed.hostname}'` }
  if (parsed.username || parsed.password)
    return { problem: 'must not contain a user name or password' }
  if (text.includes('?') || text.includes('#'))
    return { problem: 'must not contain a query (?) or fragment (#)' }
  if (/%(?![0-9A-Fa-f]{2})/.test(parsed.pathname))
    return { problem: "has a '%' that is not percent-encoding" }
  return parsed
}

/**
 * Parses an environment URL: https (or http to a loopback host, for local simulators),
 * no user:password, no query or fragment. The path is kept and a trailing slash trimmed.
 */
export function parseEnvironmentUrl(text: string): Parsed {
  const parsed = parseUrl(text)
  if ('problem' in parsed) return parsed
  if (
    parsed.protocol !== 'https:' &&
    !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))
  ) {
    return {
      problem: 'must use https:// (http:// is accepted only for localhost, 127.0.0.1 and [::1])'
    }
  }
  const path = parsed.pathname.replace(/\/+$/, '')
  const endpoint = endpointPath(path)
  if (endpoint !== undefined) {
    return {
      problem:
        endpoint.segment === '/data'
          ? "points at /data, F&O's OData endpoint, but the action calls custom services under /api/services/<service-name>"
          : 'points at /api/services, which the action adds itself (/api/services/<service-name>)',
      expected: `the environment's base URL, ${parsed.origin}${endpoint.base}`
    }
  }
  return { url: `${parsed.origin}${path}` }
}

/**
 * Where a path reaches F&O's custom services (/api/services) or OData (/data), if it does:
 * such a URL is an endpoint, not an environment, and the action's own path would double.
 */
function endpointPath(path: string): { segment: string; base: string } | undefined {
  const segments = path.split('/')
  const name = (index: number): string => {
    const segment = segments[index] ?? ''
    try {
      return decodeURIComponent(segment).toLowerCase()
    } catch {
      return segment.toLowerCase()
    }
  }
  for (let index = 1; index < segments.length; index++) {
    const base = segments.slice(0, index).join('/')
    if (name(index) === 'data') return { segment: '/data', base }
    if (name(index) === 'api' && name(index + 1) === 'services') {
      return { segment: '/api/services', base }
    }
  }
  return undefined
}

/** Parses an Entra authority host: an https origin with no path, query or credentials. */
export function parseAuthorityHost(text: string): Parsed {
  const parsed = parseUrl(text)
  if ('problem' in parsed) return parsed
  if (parsed.protocol !== 'https:') return { problem: 'must use https://' }
  if (parsed.pathname.replace(/\/+$/, '') !== '') {
    return { problem: 'must be an origin with no path, e.g. https://login.microsoftonline.com' }
  }
  return { url: parsed.origin }
}

/** `<system-url>/api/services/<segments>`; segments are AOT names, so nothing needs escaping. */
export function buildServiceUrl(systemUrl: string, segments: readonly string[]): string {
  return [systemUrl, 'api', 'services', ...segments].join('/')
}

/** The URL without query or fragment, for messages. */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/, '')
}
