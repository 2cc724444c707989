/**
 * Stands in for `jsonwebtoken` in the bundle (tsconfig.json `paths`, which ncc resolves through).
 *
 * @azure/msal-node imports jsonwebtoken when it loads, for one call: `sign`, which signs the client
 * assertion of a certificate credential. Evaluating jsonwebtoken and its dependencies (jws,
 * semver, the lodash helpers) cost the client-secret and OIDC sign-ins, which never sign
 * anything, about 6 % of a whole call (a paired run on Node 24). The certificate sign-in loads
 * the real package first (`loadJsonWebToken`, src/sign-in/entra-token.ts), in a chunk of its own; `sign`
 * hands MSAL's call to it. Tests run against the real package (jest does not read `paths`);
 * `npm run bundle` fails when the bundle uses a name this file lacks
 * (scripts/stand-ins.mjs reads the bundler's module graph).
 *
 * Upstream: @azure/msal-node requires jsonwebtoken at the top of its bundle
 * (lib/msal-node.cjs). Remove this stand-in, and its `paths` entry, when MSAL loads it only to
 * sign (or signs with node:crypto).
 */

type Sign = (payload: object, key: string, options: object) => string

let real: { sign: Sign } | undefined

/** jsonwebtoken's `sign`, once loadJsonWebToken() has loaded the real package. */
export function sign(payload: object, key: string, options: object): string {
  if (!real) {
    throw new Error(
      'jsonwebtoken is loaded on demand in this action: loadJsonWebToken() must run before MSAL signs (see src/stand-ins/jsonwebtoken.ts)'
    )
  }
  return real.sign(payload, key, options)
}

/** As MSAL's ES module build imports it: `import jwt from 'jsonwebtoken'`, then `jwt.sign`. */
export default { sign }

/** Loads the real jsonwebtoken, for a certificate credential's client assertion. */
export async function loadJsonWebToken(): Promise<void> {
  // A path inside the package: `paths` maps the bare name only, so this is the real one. It is
  // CommonJS: its exports are the namespace's default.
  const module = (await import('jsonwebtoken/index.js')) as { default?: { sign: Sign } }
  real ??= module.default ?? (module as { sign: Sign })
}
