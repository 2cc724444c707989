/**
 * Stands in for `tunnel` in the bundle (tsconfig.json `paths`, which ncc resolves through).
 *
 * @actions/http-client imports tunnel for the proxy agents of `HttpClient` requests; neither
 * this action (its own transport opens CONNECT tunnels, src/connection-pool.ts) nor the parts of
 * @actions/core it calls send one. Evaluating tunnel loads `node:assert`, whose colour check opens
 * the stderr stream: a few milliseconds of every run's start-up, before the first connection is
 * dialled. Tests run against the real package (jest does not read `paths`); `npm run bundle`
 * refuses to build when http-client uses a name this file lacks (scripts/stand-ins.mjs).
 *
 * Upstream: actions/toolkit#1959 (@actions/core pulls in far more than the functions used).
 * Remove this stand-in, and its `paths` entry, when @actions/http-client loads its proxy agents
 * only when a request needs one.
 */
function notBundled(): never {
  throw new Error(
    'tunnel is not bundled with this action: HttpClient requests through a proxy are not available (see src/stand-ins/tunnel.ts)'
  )
}

export const httpOverHttp = notBundled
export const httpsOverHttp = notBundled
export const httpOverHttps = notBundled
export const httpsOverHttps = notBundled
