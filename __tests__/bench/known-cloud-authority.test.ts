import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { startRedirectProxy, type RedirectProxy } from '../../bench/redirect-proxy.mjs'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// The clouds whose metadata src/sign-in/cloud-metadata.ts hands to MSAL. The simulator's certificate
// covers their names and a loopback CONNECT proxy sends every tunnel to the simulator, so the
// bundle keeps authority-host at the real cloud (the known-cloud path) yet never leaves the machine.
const knownClouds = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn'
]
const app = { clientId: 'bench-known-cloud-app', clientSecret: 'bench-known-cloud~secret_1' }

const sim = useSimulator({ clients: [app], hostnames: knownClouds })
let proxy: RedirectProxy

// After useSimulator: the proxy needs the simulator's port.
beforeAll(async () => {
  proxy = await startRedirectProxy(sim().port)
})
afterAll(async () => {
  await proxy.close()
})

function signInAndCall(authorityHost: string): Promise<ActionRun> {
  return runAgainst(sim(), {
    inputs: {
      'service-name': 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
      tenant: sim().tenant,
      url: sim().url,
      'client-id': app.clientId,
      'client-secret': app.clientSecret,
      'authority-host': authorityHost
    },
    env: { HTTPS_PROXY: proxy.url }
  })
}

/** What the simulator received, as `kind METHOD path`. */
function received(): string[] {
  return sim().requests.map(r => `${r.kind} ${r.method} ${r.path}`)
}

describe('client-secret sign-in, requests to the authority', () => {
  it.each(knownClouds)('is exactly one token request for %s', async host => {
    const tunnelsBefore = proxy.tunnels.length

    const result = await signInAndCall(`https://${host}`)

    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('200')
    expect(received()).toEqual([
      `token POST /${sim().tenant}/oauth2/v2.0/token`,
      'service POST /api/services/UserSessionService/AifUserSessionService/GetUserSessionInfo'
    ])
    expect(sim().requests[0]?.headers['host']).toBe(host)
    expect(proxy.tunnels.slice(tunnelsBefore)).toEqual([`${host}:443`])
  })

  it('adds one OpenID configuration request for a custom authority host', async () => {
    const result = await signInAndCall(sim().authorityHost)

    expect(result.exitCode).toBe(0)
    expect(received()).toEqual([
      `metadata GET /${sim().tenant}/v2.0/.well-known/openid-configuration`,
      `token POST /${sim().tenant}/oauth2/v2.0/token`,
      'service POST /api/services/UserSessionService/AifUserSessionService/GetUserSessionInfo'
    ])
  })
})
