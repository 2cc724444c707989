// @ts-check
/**
 * Client-secret calls with `authority-host` left at a real cloud (public, US Gov, China), so
 * MSAL is handed src/sign-in/cloud-metadata.ts's metadata and asks the authority only for the token.
 * A loopback CONNECT proxy (bench/redirect-proxy.mjs, given to the action as HTTPS_PROXY) sends
 * every tunnel to the simulator, whose certificate covers those names: nothing leaves the machine.
 * @module
 */
import { startRedirectProxy } from '../redirect-proxy.mjs'
import { countCell } from '../report.mjs'
import { KnownCloudHosts } from '../session.mjs'

/**
 * @typedef {{ serviceRequests: number[] } & Record<`authorityRequests@${string}`, number[]>} CloudsResult
 *   Requests per run: to F&O (all clouds), to the authority (per cloud host).
 */

/** @type {import('./index.mjs').Scenario<CloudsResult>} */
export const sovereignClouds = {
  id: 'sovereign-clouds',
  method: () => [],
  async run(session) {
    const proxy = session.own(await startRedirectProxy(session.sim.port))
    /** @type {CloudsResult} */
    const result = { serviceRequests: [] }
    for (const host of KnownCloudHosts) {
      result[`authorityRequests@${host}`] = []
      for (let i = 0; i < session.options.plan.cloudRuns; i++) {
        const run = await session.action(
          `client-secret call via ${host}`,
          { ...session.secretInputs, 'authority-host': `https://${host}` },
          { env: { HTTPS_PROXY: proxy.url } }
        )
        result[`authorityRequests@${host}`].push(run.authorityRequests)
        result.serviceRequests.push(run.serviceRequests)
      }
    }
    return result
  },
  rows: (result, results) => [
    ...KnownCloudHosts.map(host => ({
      measure: `client-secret call (authority = ${host}): authority requests`,
      value: countCell(result[`authorityRequests@${host}`]),
      range: `token only (${result[`authorityRequests@${host}`].length})`,
      target: `cloud-authority-requests@${host}`
    })),
    {
      measure: 'client-secret call: F&O requests',
      value: countCell([
        ...(results['client-secret']?.['serviceRequests'] ?? []),
        ...result.serviceRequests
      ]),
      target: 'secret-service-requests'
    }
  ]
}
