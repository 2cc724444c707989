import { Inputs } from '../common/constants.js'
import type { ExpectedToken } from '../inputs/settings.js'
import { readTokenClaims, type TokenClaims } from '../sign-in/token-claims.js'

/** Where F&O keeps the apps it lets in, as its menu names it. */
export const EntraApplicationsMenu = 'System administration › Setup › Microsoft Entra applications'

/** F&O's refusal of a call, as far as the doctor needs it. */
export interface Refusal {
  readonly status: 401 | 403
  /** The bearer token sent; read for its claims, never printed. */
  readonly token: string
  /** F&O's WWW-Authenticate header: untrusted, only a GUID is taken from it. */
  readonly wwwAuthenticate: string | undefined
}

/**
 * Says why F&O refused the token, from the token's own claims: it expired, it is for another
 * audience (a trailing slash, another host, another cloud) or another tenant; or, when the token
 * is right, that the app must be registered in F&O. One line, no token in it.
 */
export function explainRefusal(refusal: Refusal, expected: ExpectedToken, now: number): string {
  const claims = readTokenClaims(refusal.token)
  if (!claims) return unreadable(refusal.status, expected)
  const problems = [
    lifetimeProblem(claims, now),
    audienceProblem(claims.audience, expected),
    tenantProblem(claims.tenant, expected.tenant, tenantNamedBy(refusal.wwwAuthenticate))
  ].filter((problem): problem is string => problem !== undefined)
  if (problems.length > 0) return `the token is wrong: ${problems.join('; and ')}`

  const app = claims.application ? `'${claims.application}'` : `'${Inputs.ClientId}'`
  const looksRight =
    `the token looks right (for '${claims.audience ?? expected.audience}'` +
    (claims.tenant ? `, tenant ${claims.tenant}` : '') +
    (claims.expiresAt ? `, valid until ${iso(claims.expiresAt)}` : '') +
    ')'
  const register = `register application ${app} in F&O under ${EntraApplicationsMenu} and map it to a user who may run this service`
  if (refusal.status === 403)
    return `${looksRight}, so F&O refused its user this service: ${register}`
  return `${looksRight}, so the likely cause is the app's registration in F&O: ${register}${otherHostNote(expected)}`
}

function unreadable(status: 401 | 403, expected: ExpectedToken): string {
  const register = `the application is registered in F&O under ${EntraApplicationsMenu} and mapped to a user who may run this service`
  if (status === 403) return `check that ${register}`
  return (
    `the token is not a JWT the action can read: check that it is for '${expected.audienceInput}' ${expected.audience}, ` +
    `that it has not expired, and that ${register}`
  )
}

function lifetimeProblem(claims: TokenClaims, now: number): string | undefined {
  if (claims.expiresAt !== undefined && claims.expiresAt <= now) {
    return `it expired at ${iso(claims.expiresAt)}, ${minutes(now - claims.expiresAt)} before this call — get a new one (an access token lives about an hour)`
  }
  if (claims.notBefore !== undefined && claims.notBefore > now) {
    return `it is not valid before ${iso(claims.notBefore)} — check the runner's clock`
  }
  return undefined
}

/** Why a token for `audience` is not one for the environment; undefined when it is. */
export function audienceProblem(
  audience: string | undefined,
  expected: ExpectedToken
): string | undefined {
  const want = expected.audience
  const fix = `get the token for '${want}' (scope ${want}/.default)`
  const given = `'${expected.audienceInput}' is '${want}'`
  if (audience === undefined) return `it names no audience (aud), but ${given} — ${fix}`
  if (audience.toLowerCase() === want.toLowerCase()) return undefined
  const head = `it is for '${audience}', but ${given}`
  if (audience.replace(/\/+$/, '').toLowerCase() === want.toLowerCase()) {
    return `${head}: the trailing slash makes it another audience — ${fix}`
  }
  const [ours, theirs] = [hostOf(want), hostOf(audience)]
  if (!theirs) return `${head}, not an environment's URL — ${fix}`
  if (ours && theirs !== ours) {
    const [cloudOfUrl, cloudOfToken] = [cloudOf(ours), cloudOf(theirs)]
    if (cloudOfUrl && cloudOfToken && cloudOfUrl !== cloudOfToken) {
      return `${head}: another cloud (the token is for ${cloudOfToken}, '${expected.audienceInput}' is in ${cloudOfUrl}) — ${fix} from that cloud's 'authority-host'`
    }
    return `${head}: another host — ${fix}`
  }
  return `${head}: another address on the same host — ${fix}`
}

function tenantProblem(
  tenant: string | undefined,
  given: string | undefined,
  named: string | undefined
): string | undefined {
  if (!tenant) return undefined
  const same = (other: string): boolean => other.toLowerCase() === tenant.toLowerCase()
  if (named && !same(named)) {
    return `it is from tenant ${tenant}${given && same(given) ? ` ('${Inputs.Tenant}')` : ''}, but F&O's answer names tenant ${named} — sign in to the environment's tenant`
  }
  if (given && Guid.test(given) && !same(given)) {
    return `it is from tenant ${tenant}, but '${Inputs.Tenant}' is ${given}`
  }
  return undefined
}

const Guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The tenant GUID in a `Bearer authorization_uri="https://<host>/<tenant>/…"` challenge, if any. */
export function tenantNamedBy(wwwAuthenticate: string | undefined): string | undefined {
  // Untrusted: bounded before the regex, and only a GUID is taken.
  const challenge = (wwwAuthenticate ?? '').slice(0, 2048)
  const tenant = /authorization_uri="https:\/\/[^/"\s]{1,300}\/([^/"\s]{1,100})\//i.exec(
    challenge
  )?.[1]
  return tenant && Guid.test(tenant) ? tenant.toLowerCase() : undefined
}

/** When F&O is called at another host than the token is for, `url` may be the wrong one. */
function otherHostNote(expected: ExpectedToken): string {
  const called = hostOf(expected.systemUrl)
  if (expected.audienceInput !== 'url' || !called || called === hostOf(expected.audience)) return ''
  return `; or, as '${Inputs.SystemUrl}' (${called}) is another host than '${Inputs.Url}', check that '${Inputs.Url}' is that environment's URL`
}

// The F&O clouds by host suffix; unknown hosts (a proxy, a simulator) name no cloud.
const Clouds: readonly (readonly [RegExp, string])[] = [
  [/\.dynamics\.com$/, 'the public cloud'],
  [/\.us$/, 'a US Government cloud'],
  [/\.cn$/, 'the China cloud (21Vianet)']
]

function cloudOf(host: string): string | undefined {
  return Clouds.find(([suffix]) => suffix.test(host))?.[1]
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:'
      ? parsed.host.toLowerCase()
      : undefined
  } catch {
    return undefined
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function minutes(ms: number): string {
  const count = Math.round(ms / 60_000)
  return count < 1 ? 'less than a minute' : count === 1 ? '1 minute' : `${count} minutes`
}
