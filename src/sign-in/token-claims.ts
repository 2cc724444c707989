/** The claims of an access token that say whom it is for; none of them is a secret. */
export interface TokenClaims {
  /** `aud`: the resource the token is for. */
  readonly audience: string | undefined
  /** `tid`: the tenant that issued it. */
  readonly tenant: string | undefined
  /** `appid` (v1.0) or `azp` (v2.0): the application signed in. */
  readonly application: string | undefined
  /** `iss`. */
  readonly issuer: string | undefined
  /** `exp`, in ms since the epoch. */
  readonly expiresAt: number | undefined
  /** `nbf`, in ms since the epoch. */
  readonly notBefore: number | undefined
}

// A real access token is a few KB; anything far longer is not one worth decoding.
const MaxTokenLength = 64 * 1024
const MaxClaimLength = 200

/**
 * The payload of a JWT as an object, unverified (only to read its claims); undefined when the
 * text is not a JWT (an opaque token, far too long, or a payload that is not a JSON object).
 */
export function readJwtPayload(token: string): Record<string, unknown> | undefined {
  if (token.length > MaxTokenLength) return undefined
  const parts = token.split('.')
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? '')) return undefined
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined
  return payload as Record<string, unknown>
}

/**
 * The claims of a JWT access token, unverified (only to explain a refusal), each printable and
 * short; undefined when the token is not a JWT (an opaque token, or not meant to be read).
 */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const claims = readJwtPayload(token)
  if (!claims) return undefined
  return {
    audience: text(Array.isArray(claims['aud']) ? claims['aud'][0] : claims['aud']),
    tenant: text(claims['tid']),
    application: text(claims['appid']) ?? text(claims['azp']),
    issuer: text(claims['iss']),
    expiresAt: seconds(claims['exp']),
    notBefore: seconds(claims['nbf'])
  }
}

/** A claim as one short printable line; undefined when it is not a non-empty string. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const printable = value.replace(/[^\x20-\x7e]/g, '?')
  return printable.length > MaxClaimLength ? `${printable.slice(0, MaxClaimLength)}…` : printable
}

/** A NumericDate claim in ms; undefined unless a plausible number of seconds. */
function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1e11
    ? value * 1000
    : undefined
}
