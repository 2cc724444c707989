import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMsalNetworkClient } from '../../src/sign-in/msal-network.js'

const policy = {
  timeoutMs: 5_000,
  retryTimeoutMs: 0,
  now: () => 0,
  sleep: async () => undefined,
  info: () => undefined
}

describe('createMsalNetworkClient: only authority-host is trusted', () => {
  it('refuses a POST to another origin without sending it, and says why', async () => {
    const seen: string[] = []
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      res.end('{}')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const other = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const network = createMsalNetworkClient(policy, 'https://login.example')
    try {
      await expect(
        network.sendPostRequestAsync(`${other}/t/oauth2/v2.0/token`, {
          body: 'client_secret=s3cret'
        })
      ).rejects.toThrow(
        `refused to send POST to ${other}: only 'authority-host' https://login.example is trusted with the credentials, and the authority's OpenID metadata points elsewhere`
      )
      expect(network.lastFailure).toMatch(/^refused to send POST to /)
      expect(seen).toEqual([])
    } finally {
      network.close()
      await new Promise(resolve => server.close(resolve))
    }
  })

  it.each([
    ['another scheme', 'http://login.example/t/oauth2/v2.0/token'],
    ['another port', 'https://login.example:8443/t/oauth2/v2.0/token'],
    ['another host', 'https://login.example.evil/t/oauth2/v2.0/token'],
    ['a URL that does not parse', 'not a url']
  ])('refuses %s', async (_what, url) => {
    const network = createMsalNetworkClient(policy, 'https://login.example')
    try {
      await expect(network.sendGetRequestAsync(url)).rejects.toThrow(/^refused to send GET to /)
    } finally {
      network.close()
    }
  })
})
