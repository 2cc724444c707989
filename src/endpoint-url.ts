/** Where a problem with a URL input lies; undefined when the URL is acceptable. */
export type UrlProblem = string | undefined

const LoopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** True for names and addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    LoopbackHosts.has(hostname) ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.endsWith('.localhost')
  )
}

/**
 * Parses an environment URL: https (or http to a loopback host, for local simulators),
 * no user:password, no query or fragment. The path is kept and a trailing slash trimmed.
 */
export function parseEnvironmentUrl(text: string): { url: string } | { problem: string } {
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return { problem: 'is not an absolute URL' }
  }
  if (
    parsed.protocol !== 'https:' &&
    !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))
  ) {
    return { problem: 'must use https:// (http:// is accepted only for localhost)' }
  }
  if (parsed.username || parsed.password)
    return { problem: 'must not contain a user name or password' }
  if (parsed.search || parsed.hash || text.includes('?') || text.includes('#')) {
    return { problem: 'must not contain a query (?) or fragment (#)' }
  }
  return { url: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}` }
}

/** Parses an Entra authority host: an https origin with no path, query or credentials. */
export function parseAuthorityHost(text: string): { url: string } | { problem: string } {
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return { problem: 'is not an absolute URL' }
  }
  if (parsed.protocol !== 'https:') return { problem: 'must use https://' }
  if (parsed.username || parsed.password)
    return { problem: 'must not contain a user name or password' }
  if (
    parsed.pathname.replace(/\/+$/, '') !== '' ||
    parsed.search ||
    parsed.hash ||
    text.includes('?')
  ) {
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
